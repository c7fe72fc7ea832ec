// The sealing job: at start, every VIGIE_AUDIT_SEAL_INTERVAL_SECONDS and at
// shutdown, signs the head of the chain into the seal file (skipped when the
// head has not moved since this instance last sealed it).
import type { Clock } from '../clock.ts';
import type { BackgroundJob } from '../kernel/module.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import type { AuditRepo } from './audit.repo.ts';
import type { Seal } from './chain-walker.ts';
import { GENESIS_HASH } from './hash-chain.ts';
import type { SealFile } from './seal-file.ts';

export interface AuditSealer extends BackgroundJob {
  /** The seal file's path. */
  file: string;
  /** Seals the head now; returns the seal, or null when the head was already sealed by this instance. */
  sealNow(options?: { force?: boolean }): Promise<Seal | null>;
}

export function createAuditSealer(deps: {
  db: Db;
  repo: AuditRepo;
  seals: SealFile;
  clock: Clock;
  intervalMs: number;
  log: Logger;
}): AuditSealer {
  const { db, repo, seals, clock, intervalMs, log } = deps;
  let timer: NodeJS.Timeout | undefined;
  let lastSealed: { seq: number; hash: string } | undefined;
  // One seal at a time, in order: the interval and the shutdown never interleave.
  let queue: Promise<unknown> = Promise.resolve();

  async function seal(force: boolean): Promise<Seal | null> {
    const head = (await repo.head(db)) ?? { seq: 0, hash: GENESIS_HASH };
    if (!force && lastSealed && lastSealed.seq === head.seq && lastSealed.hash === head.hash) return null;
    const s: Seal = { seq: head.seq, hash: head.hash, at: clock.now() };
    await seals.append(s);
    lastSealed = head;
    log.debug('audit head sealed', { seq: s.seq });
    return s;
  }

  function enqueue(force: boolean): Promise<Seal | null> {
    const next = queue.then(() => seal(force));
    queue = next.catch(() => undefined);
    return next;
  }

  const tick = () => {
    enqueue(false).catch((error) => log.error('audit seal failed', { error }));
  };

  return {
    name: 'audit-sealer',
    file: seals.file,
    sealNow: (options = {}) => enqueue(options.force ?? false),
    async start() {
      await enqueue(true).catch((error) => log.error('audit seal failed', { error }));
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await enqueue(false).catch((error) => log.error('audit seal at shutdown failed', { error }));
    },
  };
}
