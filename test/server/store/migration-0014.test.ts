// Migration 0014: alerts stored before it keep their two rendered sentences
// under the "legacy text" key and read exactly as before; down renders every
// row back into the two columns (a rule alert from the shipped template), and
// up again gives the same reading.
import type { Kysely } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { presentAlert } from '../../../server/alerts/alerts.present.ts';
import type { AlertRow } from '../../../server/alerts/alerts.repo.ts';
import { parseExplanation } from '../../../server/alerts/explanations.ts';
import { createRuleExplainer } from '../../../server/detection/explain.ts';
import { loadRules } from '../../../server/detection/rule-loader.ts';
import { migrator } from '../../../server/store/migrate.ts';
import { describeEachDialect, openTestStore, type TestStore } from '../../support/db.ts';

const BEFORE = '0013-syslog-drops';
const THIS = '0014-alert-explanation-keys';

const rules = new Map(loadRules('rules').map((d) => [d.source.id, d.source.explanation]));
const explain = createRuleExplainer((id) => rules.get(id));

const base = {
  severity: 'medium',
  status: 'new',
  title: 't',
  titleEn: null,
  count: 1,
  firstSeenAt: 1,
  lastSeenAt: 1,
  createdAt: 1,
  updatedAt: 1,
  userId: null,
  host: null,
  sourceId: null,
  details: '{}',
  reportedBy: null,
};
/** Two sentences as older versions stored them: quotes, a newline, accents, emoji — and one naming its patient in clear. */
const OLD = [
  {
    origin: 'detection',
    rule: 'self-access',
    fingerprint: 'a',
    patientId: 'P0004512',
    explanationFr: 'Dr Martin a consulté le dossier P0004512 « vite »\nligne 2',
    explanationEn: 'Dr Martin opened record p0004512 "fast"\nline 2',
  },
  {
    origin: 'wazuh',
    rule: 'wazuh:5712',
    fingerprint: 'b',
    patientId: null,
    explanationFr: 'Wazuh : l’agent 🖥 \\ a dit {user}',
    explanationEn: 'Wazuh: agent 🖥 \\ said {user}',
  },
];

describeEachDialect('migration 0014: alert explanations as key and params', (dialect) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.dispose();
    store = undefined;
  });

  const rows = async (db: Kysely<any>) =>
    (await db.selectFrom('alerts').selectAll().orderBy('id').execute()) as Record<string, unknown>[];
  const read = async (db: Kysely<any>) =>
    (await rows(db)).map((r) => presentAlert(r as unknown as AlertRow, explain).explanation);

  it('up keeps old rows as legacy text that reads as before; down renders every row back; up again reads the same', async () => {
    store = await openTestStore(dialect, { migrate: false });
    const db = store.db as unknown as Kysely<any>;
    const m = await migrator(store.db);
    expect((await m.migrateTo(BEFORE)).error).toBeUndefined();
    await db
      .insertInto('alerts')
      .values(OLD.map((r) => ({ ...base, ...r })))
      .execute();

    expect((await m.migrateTo(THIS)).error).toBeUndefined();
    const up = await rows(db);
    expect(Object.keys(up[0]!)).not.toContain('explanationFr');
    expect(Object.keys(up[0]!)).not.toContain('explanationEn');
    expect(up.map((r) => parseExplanation(r.explanation as string))).toEqual(
      OLD.map((r) => ({ key: 'legacy.text', params: { fr: r.explanationFr, en: r.explanationEn } })),
    );
    // Read as before: the same sentences, the clear patient masked on the way out as it always was.
    expect(await read(db)).toEqual([
      {
        fr: 'Dr Martin a consulté le dossier ••••••12 « vite »\nligne 2',
        en: 'Dr Martin opened record ••••••12 "fast"\nline 2',
      },
      { fr: OLD[1]!.explanationFr, en: OLD[1]!.explanationEn },
    ]);

    // A row stored since: a rule's key and facts.
    const params = {
      user: 'Dr Claire Martin',
      userId: 'cmartin',
      department: 'Cardiologie',
      profession: 'Médecin',
      patient: '••••••01',
      action: 'read',
      time: '2026-03-11T09:00:00.000Z',
      workstation: 'SL-1',
      address: null,
      facts: ['self'],
      reason: null,
      colleagueDepartment: null,
    };
    await db
      .insertInto('alerts')
      .values({
        ...base,
        origin: 'detection',
        rule: 'self-access',
        fingerprint: 'c',
        patientId: 'P1000001',
        explanation: JSON.stringify({ key: 'rule.self-access', params }),
      })
      .execute();
    const readUp = await read(db);
    expect(readUp[2]).toEqual({
      fr: 'Dr Claire Martin (Cardiologie) a consulté son propre dossier patient (••••••01) le 11/03/2026 10:00 (UTC+1), depuis le poste SL-1.',
      en: 'Dr Claire Martin (Cardiologie) opened their own patient record (••••••01) on 11/03/2026 10:00 (UTC+1), from workstation SL-1.',
    });

    expect((await m.migrateTo(BEFORE)).error).toBeUndefined();
    const down = await rows(db);
    expect(Object.keys(down[0]!)).not.toContain('explanation');
    expect(down.map((r) => ({ fr: r.explanationFr, en: r.explanationEn }))).toEqual([
      ...OLD.map((r) => ({ fr: r.explanationFr, en: r.explanationEn })),
      readUp[2],
    ]);

    expect((await m.migrateToLatest()).error).toBeUndefined();
    expect(await read(db)).toEqual(readUp);
    expect(parseExplanation((await rows(db))[2]!.explanation as string).key).toBe('legacy.text');
  });
});
