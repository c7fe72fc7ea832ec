// A simulated clinic loaded into a real store: directory imported through the
// service, events appended in the log. For detector, restart and API tests.
import { cliActor } from '../../../server/actor.ts';
import type { DirectoryKind } from '../../../server/directory/records.ts';
import type { Services } from '../../../server/services.ts';
import { simulate, type SimulateOptions } from '../../../server/simulator/simulate.ts';
import type { Store } from '../../../server/store/db.ts';
import { eventRow, insertEvents } from '../../support/events.ts';

const cache = new Map<string, ReturnType<typeof simulate>>();

export function smallMonth(options: Partial<SimulateOptions> = {}) {
  const o: SimulateOptions = { staff: 60, patients: 2000, days: 12, seed: 3, start: '2026-03-02', ...options };
  const key = JSON.stringify(o);
  if (!cache.has(key)) cache.set(key, simulate(o));
  return cache.get(key)!;
}

export async function importDirectory(services: Pick<Services, 'directory'>, files: Record<string, string>) {
  for (const kind of ['staff', 'patients', 'encounters', 'assignments', 'workstations'] as DirectoryKind[]) {
    await services.directory.import(cliActor, {
      kind,
      format: 'csv',
      filename: `${kind}.csv`,
      content: files[`${kind}.csv`]!,
    });
  }
}

export function eventLines(files: Record<string, string>): string[] {
  return files['events.ndjson']!.split('\n').filter(Boolean);
}

export async function appendLines(store: Store, lines: string[], receivedAt = 0): Promise<number[]> {
  return insertEvents(
    store,
    lines.map((l) => eventRow(JSON.parse(l), receivedAt, 'sim')),
  );
}

/** The alerts as a comparable set: rule, fingerprint, times, count, evidence. */
export async function alertSet(services: Pick<Services, 'alerts' | 'db'>) {
  const rows = await services.alerts.repo.allWithEvidence(services.db);
  return rows
    .map((a) => `${a.rule} ${a.fingerprint} ${a.firstSeenAt}-${a.lastSeenAt} ×${a.count} [${a.evidence.join(',')}]`)
    .sort();
}
