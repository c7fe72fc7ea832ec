// An alert's explanation is stored as a message key and language-neutral
// params, and rendered in French and English when it is read: the stored row
// holds no sentence and no clear patient id, and a rule's template edited (or
// removed) after the alert changes how the alert reads, without touching it.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../../server/actor.ts';
import { parseExplanation, renderExplanation } from '../../../server/alerts/explanations.ts';
import { createRuleExplainer } from '../../../server/detection/explain.ts';
import { mapGenericAlert } from '../../../server/ingest/tools/generic.ts';
import type { ToolAlert } from '../../../server/ingest/tools/tool-alert.ts';
import { mapWazuhAlert } from '../../../server/ingest/tools/wazuh.ts';
import { createRealtime } from '../../../server/realtime/realtime.ts';
import { createServices } from '../../../server/services.ts';
import { inTransaction } from '../../../server/store/transaction.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { tempDir, testConfig } from '../../support/config.ts';
import { describeEachDialect } from '../../support/db.ts';
import { eventRow, insertEvents } from '../../support/events.ts';
import { captureLogger } from '../../support/log.ts';
import { importDirectory, smallMonth } from '../detection/world.ts';
import { wazuhAlert } from '../ingest/tool-examples.ts';

const CLEAR = /p7777777/i;

describe('rendering an explanation', () => {
  it('never throws: an unreadable column, an unknown key, a key named like a prototype member all read as something', () => {
    expect(parseExplanation('not json')).toEqual({ key: 'unreadable', params: {} });
    expect(parseExplanation('{"key":"tool.wazuh","params":[1]}')).toEqual({ key: 'tool.wazuh', params: {} });
    expect(renderExplanation(parseExplanation('null'))).toEqual({ fr: 'unreadable', en: 'unreadable' });
    expect(renderExplanation({ key: 'constructor', params: {} })).toEqual({ fr: 'constructor', en: 'constructor' });
    expect(renderExplanation({ key: 'tool.future', params: { host: 'WS-1', n: 3 } }).fr).toBe(
      'tool.future — host: WS-1; n: 3',
    );
    // A rule renderer that fails on a row is not the reader's problem either.
    const failing = () => {
      throw new Error('boom');
    };
    expect(renderExplanation({ key: 'rule.x', params: { count: 2 } }, failing).en).toBe('rule.x — count: 2');
  });

  it('a legacy row reads exactly as its stored sentences; a rule key without a template reads as the rule id and its facts', () => {
    expect(renderExplanation({ key: 'legacy.text', params: { fr: 'Texte « ancien »', en: 'Old "text"' } })).toEqual({
      fr: 'Texte « ancien »',
      en: 'Old "text"',
    });
    const none = createRuleExplainer(() => undefined);
    const text = renderExplanation(
      {
        key: 'rule.gone',
        params: {
          user: 'Marie Curie',
          action: 'read',
          patient: '•••••77',
          time: '2026-03-05T09:00:00.000Z',
          facts: ['vip'],
          count: 4,
          windowMs: 600_000,
        },
      },
      none,
    );
    expect(text.fr).toBe(
      'Règle gone (modèle d’explication introuvable) — user: Marie Curie; patient: •••••77; action: consulté; time: 05/03/2026 10:00 (UTC+1); facts: patient signalé VIP; count: 4; window: 10 min',
    );
    expect(text.en).toMatch(
      /^Rule gone \(explanation template not found\) — user: Marie Curie; patient: •••••77; action: opened; .*window: 10 min$/,
    );
  });
});

describeEachDialect('alert explanations: stored as key and params, rendered when read', (dialect) => {
  let t: TestApp;
  let analyst: Awaited<ReturnType<TestApp['as']>>;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
    analyst = await t.as('analyst');
  });
  afterEach(() => t.close());

  /** A break-the-glass whose reason names the patient: a rule alert on a patient. */
  async function ruleAlert(): Promise<number> {
    await importDirectory(t.services, smallMonth().files);
    const staff = (await t.services.directory.index()).staff;
    const someone = [...staff.values()].find(
      (s) => s.accountType === 'person' && s.status === 'active' && s.department === 'Cardiologie',
    )!;
    await insertEvents(t.store, [
      eventRow({
        time: Date.parse('2026-03-05T10:00:00+01:00'),
        user: someone.id,
        action: 'break_glass',
        patient: 'P7777777',
        workstation: 'SL-CARD-01',
        context: { reason: 'dossier p7777777 urgent' },
      }),
    ]);
    await t.services.detector.drain();
    const rows = await t.services.db.selectFrom('alerts').select(['id', 'rule']).execute();
    return rows.find((r) => r.rule === 'break-glass')!.id;
  }

  const storedRow = (id: number) =>
    t.services.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** The stored row holds the key and params, neither sentence, and the patient only in its own column. */
  async function expectNeutral(id: number, explanation: { fr: string; en: string }, key: string) {
    const { patientId: _p, ...row } = await storedRow(id);
    expect(parseExplanation(row.explanation).key).toBe(key);
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(JSON.stringify(explanation.fr).slice(1, -1));
    expect(stored).not.toContain(JSON.stringify(explanation.en).slice(1, -1));
    expect(stored).not.toMatch(CLEAR);
  }

  it('a rule alert reads in French and English from the same stored row, its facts neutral and the patient masked', async () => {
    const id = await ruleAlert();
    const detail = (await analyst.http.get(`/api/v1/alerts/${id}`).expect(200)).body;
    expect(detail.explanation.fr).toMatch(
      /^.+ \(Cardiologie\) a ouvert en bris de glace le dossier du patient ••••••77 le 05\/03\/2026 10:00 \(UTC\+1\) — motif : « dossier ••••••77 urgent » ; .+\.$/,
    );
    expect(detail.explanation.en).toMatch(
      /^.+ \(Cardiologie\) opened by break-the-glass the record of patient ••••••77 on 05\/03\/2026 10:00 \(UTC\+1\) — reason: « dossier ••••••77 urgent »; .+\.$/,
    );
    const list = (await analyst.http.get('/api/v1/alerts').expect(200)).body.items;
    expect(list.find((a: { id: number }) => a.id === id).explanation).toEqual(detail.explanation);
    await expectNeutral(id, detail.explanation, 'rule.break-glass');
    const { params } = parseExplanation((await storedRow(id)).explanation);
    expect(params).toMatchObject({
      department: 'Cardiologie',
      patient: '••••••77',
      action: 'break_glass',
      time: '2026-03-05T09:00:00.000Z',
      reason: 'dossier ••••••77 urgent',
      workstation: 'SL-CARD-01',
    });
    expect(Array.isArray(params.facts)).toBe(true);
  });

  it('tool alerts read in both languages from their key and params, the tool’s free text masked', async () => {
    const generic = mapGenericAlert({
      time: '2026-11-28T14:30:00+01:00',
      tool: 'DLP',
      rule: 'export',
      severity: 'high',
      title: 'Export du dossier P7777777',
      description: 'Copie de p7777777.pdf sur une clé USB.',
      host: 'WS-CARDIO-12',
      patient: 'P7777777',
    }) as ToolAlert;
    const wazuh = mapWazuhAlert(wazuhAlert) as ToolAlert;
    const [g, w] = await inTransaction(t.services.db, async (trx) => [
      await t.services.alerts.raise(trx, systemActor, generic),
      await t.services.alerts.raise(trx, systemActor, wazuh),
    ]);
    const gd = (await analyst.http.get(`/api/v1/alerts/${g!.alert.id}`).expect(200)).body;
    expect(gd.explanation).toEqual({
      fr: 'DLP signale « Export du dossier ••••••77 » sur WS-CARDIO-12. Copie de ••••••77.pdf sur une clé USB.',
      en: 'DLP reports "Export du dossier ••••••77" on WS-CARDIO-12. Copie de ••••••77.pdf sur une clé USB.',
    });
    await expectNeutral(g!.alert.id, gd.explanation, 'tool.generic');
    const wd = (await analyst.http.get(`/api/v1/alerts/${w!.alert.id}`).expect(200)).body;
    expect(wd.explanation.fr).toMatch(
      /^Wazuh \(règle 5712, niveau 10\) : sshd: brute force.* — agent .*, depuis 203\.0\.113\.7/,
    );
    expect(wd.explanation.en).toMatch(
      /^Wazuh \(rule 5712, level 10\): sshd: brute force.* — agent .*, from 203\.0\.113\.7/,
    );
    await expectNeutral(w!.alert.id, wd.explanation, 'tool.wazuh');
  });

  it('a staff report reads in both languages from its key and params, the patients concerned masked', async () => {
    const marie = await t.as('reporter');
    await t.services.users.update(t.services.db, marie.userId, { name: 'Marie Curie' });
    const filed = (
      await marie.http
        .post('/api/v1/reports')
        .send({
          summary: 'J’ai vu le dossier de P7777777 ouvert',
          description: 'Sur un poste du couloir.',
          patientsConcerned: 'P7777777',
          urgent: true,
        })
        .expect(201)
    ).body;
    const detail = (await analyst.http.get(`/api/v1/alerts/${filed.id}`).expect(200)).body;
    expect(detail.explanation).toEqual({
      fr: 'Signalement de Marie Curie : J’ai vu le dossier de ••••••77 ouvert (signalé comme urgent)',
      en: 'Report from Marie Curie: J’ai vu le dossier de ••••••77 ouvert (marked urgent)',
    });
    await expectNeutral(filed.id, detail.explanation, 'report.staff');
    expect(parseExplanation((await storedRow(filed.id)).explanation).params).toEqual({
      reporter: 'Marie Curie',
      summary: 'J’ai vu le dossier de ••••••77 ouvert',
      urgent: true,
    });
  });

  it('an edited rule template changes how an existing alert reads; a removed rule reads as its id and facts, never an error', async () => {
    const id = await ruleAlert();
    const before = (await analyst.http.get(`/api/v1/alerts/${id}`).expect(200)).body.explanation;
    const rulesDir = tempDir('vigie-rules-');
    for (const f of fs.readdirSync('rules')) fs.copyFileSync(path.join('rules', f), path.join(rulesDir, f));
    const file = path.join(rulesDir, 'break-glass.yaml');
    const yaml = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(
      file,
      yaml.replace(
        /explanation:\n  fr: ".*"\n  en: ".*"\n/,
        'explanation:\n  fr: "Bris de glace par {user} sur {patient} ({action}, {time})."\n  en: "Break-the-glass by {user} on {patient} ({action}, {time})."\n',
      ),
    );
    const restarted = (dir: string) =>
      createServices({
        config: testConfig({ VIGIE_RULES_DIR: dir }),
        store: t.store,
        clock: t.clock,
        log: captureLogger().log,
        realtime: createRealtime(),
      });

    const edited = restarted(rulesDir);
    const after = (await edited.alerts.get(systemActor, id)).explanation;
    expect(after.fr).toMatch(
      /^Bris de glace par .+ sur ••••••77 \(ouvert en bris de glace, 05\/03\/2026 10:00 \(UTC\+1\)\)\.$/,
    );
    expect(after.en).toMatch(
      /^Break-the-glass by .+ on ••••••77 \(opened by break-the-glass, 05\/03\/2026 10:00 \(UTC\+1\)\)\.$/,
    );
    expect(after.fr).not.toBe(before.fr);
    await edited.ingestWriter.stop();

    fs.rmSync(file);
    const removed = restarted(rulesDir);
    const gone = (await removed.alerts.get(systemActor, id)).explanation;
    expect(gone.fr).toMatch(
      /^Règle break-glass \(modèle d’explication introuvable\) — user: .+; patient: ••••••77; action: ouvert en bris de glace; time: 05\/03\/2026 10:00 \(UTC\+1\);.* reason: « dossier ••••••77 urgent »/,
    );
    expect(gone.en).toMatch(/^Rule break-glass \(explanation template not found\) — /);
    expect(JSON.stringify((await removed.alerts.list(systemActor, { limit: 10 })).items)).not.toMatch(CLEAR);
    await removed.ingestWriter.stop();
  });
});
