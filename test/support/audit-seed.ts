// A test app with 40 audit entries, one a minute from 10:01 Paris time on
// 2026-11-28, four kinds in turn (seq % 4): 0 user.login by the admin,
// 1 alert.raised by the system, 2 incident.update by the analyst,
// 3 source.update by the admin (target id "=1+1", details with a comma and quotes).
import type { Actor } from '../../server/actor.ts';
import type { Dialect } from '../../server/store/db.ts';
import { createTestApp, type TestApp } from './app.ts';

export const SEED_START = Date.UTC(2026, 10, 28, 9, 0, 0);

export async function seededAuditApp(dialect: Dialect) {
  const t: TestApp = await createTestApp({ dialect });
  // The entries name incidents: register the type as incident work, as the incidents module will.
  t.services.scopes.registerIncidentWork('incident');
  // Logged in after the entries' times, so that the sessions have not idled out.
  const now = SEED_START + 41 * 60_000;
  t.clock.set(now);
  const admin = await t.as('admin');
  const analyst = await t.as('analyst');
  const user = (id: string): Actor => ({
    kind: 'user',
    id,
    roles: [],
    sessionId: 's',
    requestId: 'r',
    address: '10.0.0.9',
  });
  for (let i = 1; i <= 40; i++) {
    t.clock.set(SEED_START + i * 60_000);
    const entry = [
      { actor: user(admin.userId), action: 'user.login', target: { type: 'session', id: `s${i}` } },
      {
        actor: { kind: 'system' } as Actor,
        action: 'alert.raised',
        target: { type: 'alert', id: i },
        details: { rule: 'bulk-access' },
      },
      {
        actor: user(analyst.userId),
        action: 'incident.update',
        target: { type: 'incident', id: i % 3 },
        details: { status: 'triage' },
      },
      {
        actor: user(admin.userId),
        action: 'source.update',
        target: { type: 'source', id: '=1+1' },
        details: { name: 'DPI "Orbis", site A' },
      },
    ][i % 4]!;
    await t.services.db.transaction().execute((trx) => t.services.audit.record(trx, entry));
  }
  t.clock.set(now);
  return { t, admin, analyst };
}
