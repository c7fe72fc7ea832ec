// Retention: access events older than VIGIE_RETENTION_DAYS (at least 183, the
// six-month floor of CSP R.6113-9-2) are purged daily in bounded batches —
// each batch its own short transaction, so ingest is never held up long — with
// one audit entry per run. Raw system events follow the same rule; forgotten
// Idempotency-Keys after 7 days. Audit entries themselves are never purged.
import type { Actor } from '../../actor.ts';
import type { AuditService } from '../../audit/audit.service.ts';
import { backoffMs } from '../../backoff.ts';
import type { Clock } from '../../clock.ts';
import type { BackgroundJob } from '../../kernel/module.ts';
import type { Logger } from '../../log.ts';
import type { Db } from '../../store/db.ts';
import { inTransaction } from '../../store/transaction.ts';
import type { AccessEventsRepo } from '../access-events.repo.ts';
import type { SourcesRepo } from '../sources/sources.repo.ts';
import type { SystemEventsRepo } from '../system-events.repo.ts';

const DAY = 86_400_000;
/** A failed run (the database down, the disk full) is retried after a minute, then two… up to an hour. */
const RETRY_MS = 60_000;
const RETRY_MAX_MS = 3_600_000;
export const IDEMPOTENCY_KEY_DAYS = 7;

export interface PurgeResult {
  cutoff: number;
  retentionDays: number;
  events: number;
  systemEvents: number;
  idempotencyKeys: number;
}

export function createRetention(deps: {
  db: Db;
  accessEvents: AccessEventsRepo;
  systemEvents: SystemEventsRepo;
  sources: SourcesRepo;
  audit: AuditService;
  clock: Clock;
  log: Logger;
  retentionDays: number;
  batchSize?: number;
}) {
  const { db, accessEvents, systemEvents, sources, audit, clock, log, retentionDays } = deps;
  const batchSize = deps.batchSize ?? 5000;
  let running: Promise<PurgeResult> | undefined;

  async function purgeAll(purge: (trx: Db, limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await inTransaction(db, (trx) => purge(trx, batchSize));
      total += n;
      if (n < batchSize) return total;
    }
  }

  async function run(actor: Actor): Promise<PurgeResult> {
    const now = clock.now();
    const cutoff = now - retentionDays * DAY;
    const events = await purgeAll((trx, limit) => accessEvents.purgeBatch(trx, cutoff, limit));
    const system = await purgeAll((trx, limit) => systemEvents.purgeBatch(trx, cutoff, limit));
    return inTransaction(db, async (trx) => {
      await audit.lock(trx);
      const idempotencyKeys = await sources.purgeBatches(trx, now - IDEMPOTENCY_KEY_DAYS * DAY);
      const result = { cutoff, retentionDays, events, systemEvents: system, idempotencyKeys };
      await audit.record(trx, { actor, action: 'access_events.purged', details: { ...result } });
      return result;
    });
  }

  return {
    /** Purges now; a run already going is joined rather than doubled. */
    run(actor: Actor): Promise<PurgeResult> {
      running ??= run(actor).finally(() => (running = undefined));
      return running;
    },

    /** The daily job: a first run a minute after start, then every 24 hours (sooner again after a failed run). */
    job(): BackgroundJob {
      let timer: NodeJS.Timeout | undefined;
      let failures = 0;
      let stopped = false;
      const schedule = (ms: number) => {
        if (stopped) return;
        timer = setTimeout(() => void tick(), ms);
        timer.unref();
      };
      const tick = async () => {
        let next = DAY;
        try {
          const r = await this.run({ kind: 'system' });
          failures = 0;
          log.info('retention purge done', { ...r });
        } catch (error) {
          next = backoffMs(++failures, RETRY_MS, RETRY_MAX_MS);
          log.error('retention purge failed; retrying', { error, failures, retryInMs: next });
        }
        schedule(next);
      };
      return {
        name: 'retention',
        start() {
          stopped = false;
          schedule(60_000);
        },
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await running?.catch(() => undefined);
        },
      };
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
