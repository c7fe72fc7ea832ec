// Verification: walks the whole chain in batches against the seals and answers
// "intact" with the count and head, or the first broken place and what is wrong.
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import type { AuditRepo } from './audit.repo.ts';
import { ChainWalker, type Problem } from './chain-walker.ts';
import type { SealFile } from './seal-file.ts';

export interface SealsSummary {
  /** Valid seals in the file. */
  count: number;
  /** The most recent valid seal. */
  last: { seq: number; at: number } | null;
  /** Bad lines of the seal file (all of them). */
  problems: Problem[];
}

export type VerifyAnswer =
  | {
      status: 'intact';
      count: number;
      head: { seq: number; hash: string };
      seals: SealsSummary;
      verifiedAt: number;
      durationMs: number;
    }
  | { status: 'broken'; problem: Problem; seals: SealsSummary; verifiedAt: number; durationMs: number };

export const VERIFY_BATCH = 5000;

export function createAuditVerifier(deps: {
  db: Db;
  repo: AuditRepo;
  seals: SealFile;
  clock: Clock;
  log?: Logger;
  batchSize?: number;
}) {
  const { db, repo, seals, clock, log, batchSize = VERIFY_BATCH } = deps;
  let running: Promise<VerifyAnswer> | undefined;

  async function walk(): Promise<VerifyAnswer> {
    const started = performance.now();
    // Seals first, then the chain: every seal read is then at or below the head walked.
    const reading = await seals.read();
    const walker = new ChainWalker(reading.seals);
    // The next batch is read while this one is hashed.
    let next = repo.range(db, 0, batchSize);
    while (walker.wantsMore) {
      const rows = await next;
      if (rows.length === 0) break;
      next = repo.range(db, rows[rows.length - 1]!.seq, batchSize);
      walker.push(rows);
    }
    await next.catch(() => undefined);
    const outcome = walker.finish();
    const last = reading.seals.reduce<(typeof reading.seals)[number] | undefined>(
      (a, s) => (!a || s.at > a.at ? s : a),
      undefined,
    );
    const summary: SealsSummary = {
      count: reading.seals.length,
      last: last ? { seq: last.seq, at: last.at } : null,
      problems: reading.problems,
    };
    const timing = { verifiedAt: clock.now(), durationMs: Math.round(performance.now() - started) };
    // The chain's own first break comes first; a bad seal line breaks an otherwise intact trail.
    const problem = outcome.ok ? reading.problems[0] : outcome.problem;
    if (problem) {
      // Loud in the logs too, for whatever watches them (CNIL: alert when logs are altered).
      log?.error('audit trail broken', { kind: problem.kind, seq: problem.seq, reason: problem.message });
      return { status: 'broken', problem, seals: summary, ...timing };
    }
    if (!outcome.ok) throw new Error('unreachable');
    return { status: 'intact', count: outcome.count, head: outcome.head, seals: summary, ...timing };
  }

  return {
    /** Concurrent callers share one walk: a burst of requests never starts several. */
    verify(): Promise<VerifyAnswer> {
      running ??= walk().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}

export type AuditVerifier = ReturnType<typeof createAuditVerifier>;
