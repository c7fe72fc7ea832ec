// The detector: a consumer of the committed event log. It reads events in id
// order after its cursor, runs the rules, and commits the alerts together with
// the new cursor, so a restart resumes exactly where it stopped: no event
// skipped, no alert raised twice. Its in-memory state is snapshotted with the
// cursor now and then; on start it loads the snapshot and replays the events
// after it without raising, which rebuilds the same state.
import { systemActor } from '../actor.ts';
import type { AlertsService, RaisedAlert } from '../alerts/alerts.service.ts';
import { backoffMs } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import type { DirectoryService } from '../directory/directory.service.ts';
import type { AccessEventsRepo } from '../ingest/access-events.repo.ts';
import type { EventLogSignal } from '../ingest/pipeline/event-log.ts';
import type { Logger } from '../log.ts';
import { lockInTransaction, type Db, type Dialect } from '../store/db.ts';
import { inTransaction } from '../store/transaction.ts';
import type { DetectionRepo } from './detection.repo.ts';
import { Engine, type Hit } from './engine.ts';
import type { RulesService } from './rules.service.ts';
import { DetectorState } from './state.ts';

export const DETECTOR_NAME = 'detector';
const LOCK = 'vigie:detector';
/**
 * Events read and evaluated between two turns of the event loop: a batch of
 * 10,000 read and evaluated at once held the loop for 100–300 ms during an
 * ingest burst, and the console's requests waited behind it.
 */
const SLICE = 1_000;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

export interface DetectorOptions {
  batchSize?: number;
  /** Snapshot the state after this many events (and at least every snapshotMs). */
  snapshotEvery?: number;
  snapshotMs?: number;
  /** Poll as a fallback to the in-process signal (another instance may ingest). */
  pollMs?: number;
  /** Re-read rule overrides and the directory version this often. */
  refreshMs?: number;
  /** After failed batches in a row, wait pollMs, twice that… up to this (the database may be down). */
  maxBackoffMs?: number;
}

export interface DetectorDeps {
  db: Db;
  dialect: Dialect;
  repo: DetectionRepo;
  events: AccessEventsRepo;
  alerts: AlertsService;
  directory: DirectoryService;
  rules: RulesService;
  eventLog: EventLogSignal;
  clock: Clock;
  log: Logger;
}

interface Group {
  hit: Hit;
  last: number;
  occurrences: number;
  evidence: number[];
}

/** Hits of one batch with the same fingerprint fold into one raise when each is within the window of the previous. */
export function groupHits(hits: Hit[]): Group[] {
  const open = new Map<string, Group>();
  const out: Group[] = [];
  for (const hit of hits) {
    const g = open.get(hit.fingerprint);
    if (g && hit.at - hit.rule.windowMs <= g.last) {
      g.last = Math.max(g.last, hit.at);
      g.occurrences += 1;
      g.evidence.push(...hit.evidence);
      continue;
    }
    const group = { hit, last: hit.at, occurrences: 1, evidence: [...hit.evidence] };
    open.set(hit.fingerprint, group);
    out.push(group);
  }
  return out;
}

export function createDetector(deps: DetectorDeps, options: DetectorOptions = {}) {
  const { db, dialect, repo, events, alerts, directory, rules, eventLog, clock, log } = deps;
  const batchSize = options.batchSize ?? 10_000;
  const snapshotEvery = options.snapshotEvery ?? 50_000;
  const snapshotMs = options.snapshotMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const refreshMs = options.refreshMs ?? 5000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;

  let engine: Engine | undefined;
  let cursor = 0;
  let sinceSnapshot = 0;
  let lastSnapshotAt = 0;
  let versions = { directory: -1, rules: '' };
  let lastRefresh = 0;
  let stopped = true;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void)[] = [];
  let failures = 0;
  let interrupt: (() => void) | undefined;
  // The in-memory state matches the committed cursor only once recover() has
  // run to its end: a recovery cut short (the database went away) is redone
  // before the next batch rather than evaluating on a blank or half-built state.
  let stale = true;

  /** Up to `limit` events after `afterId`, read a slice at a time. */
  async function readAfter(afterId: number, limit: number) {
    const out: Awaited<ReturnType<AccessEventsRepo['readAfterForDetection']>> = [];
    let at = afterId;
    while (out.length < limit) {
      if (out.length) await nextTurn();
      const want = Math.min(SLICE, limit - out.length);
      const slice = await events.readAfterForDetection(db, at, want);
      for (const e of slice) out.push(e);
      if (slice.length < want) break;
      at = slice[slice.length - 1]!.id;
    }
    return out;
  }

  /** Evaluates the events a slice at a time (the engine goes event by event: the same hits as all at once). */
  async function evaluate(batch: Parameters<Engine['process']>[0], quiet = false): Promise<Hit[]> {
    const hits: Hit[] = [];
    for (let i = 0; i < batch.length; i += SLICE) {
      if (i) await nextTurn();
      for (const hit of engine!.process(batch.slice(i, i + SLICE), quiet)) hits.push(hit);
    }
    return hits;
  }

  /** Rebuilds the engine when the rules or the directory changed (the state is kept). */
  async function refresh(force = false) {
    const now = clock.now();
    if (!force && engine && now - lastRefresh < refreshMs) return;
    lastRefresh = now;
    const [index, rulesVersion] = await Promise.all([directory.index(), rules.version()]);
    if (!engine || index.version !== versions.directory || rulesVersion !== versions.rules) {
      engine = new Engine(await rules.compiled(), index, engine?.state ?? new DetectorState());
      versions = { directory: index.version, rules: rulesVersion };
    }
  }

  /** Loads the snapshot and replays, quietly, the events up to the committed cursor. */
  async function recover() {
    stale = true;
    const row = await repo.state(db, DETECTOR_NAME);
    cursor = row?.cursor ?? 0;
    const state = row?.snapshot ? DetectorState.fromJSON(JSON.parse(row.snapshot)) : new DetectorState();
    engine = undefined;
    await refresh(true);
    engine!.state = state;
    let at = row?.snapshot ? (row.snapshotCursor ?? 0) : 0;
    let replayed = 0;
    while (at < cursor) {
      const batch = (await readAfter(at, batchSize)).filter((e) => e.id <= cursor);
      if (!batch.length) break;
      await evaluate(batch, true);
      at = batch[batch.length - 1]!.id;
      replayed += batch.length;
    }
    sinceSnapshot = replayed;
    lastSnapshotAt = clock.now();
    stale = false;
    if (replayed) log.info('detector state rebuilt', { replayed, cursor });
  }

  /** One batch: read, evaluate, commit alerts and cursor together, publish. Returns the events handled. */
  async function step(): Promise<number> {
    if (stale) await recover();
    await refresh();
    const batch = await readAfter(cursor, batchSize);
    if (!batch.length) return 0;
    const from = cursor;
    const to = batch[batch.length - 1]!.id;
    const hits = await evaluate(batch);
    sinceSnapshot += batch.length;
    const snap = sinceSnapshot >= snapshotEvery || (clock.now() - lastSnapshotAt >= snapshotMs && sinceSnapshot > 0);
    const snapshot = snap ? { cursor: to, data: JSON.stringify(engine!.state.toJSON()) } : undefined;
    try {
      // The alerts service publishes what it raised once this commits.
      await inTransaction(db, async (trx) => {
        await lockInTransaction(trx, dialect, LOCK);
        const raised: RaisedAlert[] = [];
        for (const g of groupHits(hits)) {
          const h = g.hit;
          raised.push(
            await alerts.raise(trx, systemActor, {
              origin: 'detection',
              rule: h.rule.id,
              severity: h.rule.severity,
              title: h.rule.title,
              explanation: h.explanation,
              fingerprint: h.fingerprint,
              windowMs: h.rule.windowMs,
              seenAt: h.at,
              lastSeenAt: g.last,
              occurrences: g.occurrences,
              userId: h.userId,
              patientId: h.patientId,
              host: h.host,
              details: h.details,
              evidence: g.evidence,
            }),
          );
        }
        if (!(await repo.advance(trx, DETECTOR_NAME, from, to, clock.now(), snapshot))) throw new CursorMoved();
        return raised;
      });
    } catch (error) {
      // The in-memory state already learnt from the batch: rebuild it from what is committed.
      await recover();
      if (error instanceof CursorMoved) {
        log.warn('detector cursor moved elsewhere (another instance runs a detector?): state rebuilt');
        return 0;
      }
      throw error;
    }
    cursor = to;
    if (snapshot) {
      sinceSnapshot = 0;
      lastSnapshotAt = clock.now();
    }
    return batch.length;
  }

  /** Stores the state at the committed cursor (a clean stop restarts without a replay). */
  async function snapshot() {
    if (!engine || stale || sinceSnapshot === 0) return;
    const data = JSON.stringify(engine.state.toJSON());
    const at = cursor;
    await inTransaction(db, async (trx) => {
      await lockInTransaction(trx, dialect, LOCK);
      if (!(await repo.advance(trx, DETECTOR_NAME, at, at, clock.now(), { cursor: at, data }))) throw new CursorMoved();
    });
    sinceSnapshot = 0;
    lastSnapshotAt = clock.now();
  }

  async function loop() {
    while (!stopped) {
      again = false;
      let n = 0;
      try {
        n = await step();
        if (failures) log.info('detector running again', { failures, cursor });
        failures = 0;
      } catch (error) {
        // Nothing of the batch was committed: it is read again after the pause.
        const retryInMs = backoffMs(++failures, pollMs, maxBackoffMs);
        log.error('detector batch failed; retrying', { error, failures, retryInMs });
        await new Promise<void>((resolve) => {
          interrupt = resolve;
          timer = setTimeout(resolve, retryInMs);
        });
        clearTimeout(timer);
        interrupt = undefined;
        continue;
      }
      if (n > 0 || again) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs);
      });
      clearTimeout(timer);
      wake = undefined;
    }
  }

  // New events were committed: the database is back, so a back-off ends early too.
  const poke = () => {
    again = true;
    wake?.();
    interrupt?.();
  };

  return {
    name: 'detector',
    async start() {
      if (!stopped) return;
      stopped = false;
      await recover();
      unsubscribe = [
        eventLog.subscribe(poke),
        directory.onChange(() => ((lastRefresh = 0), poke())),
        rules.onChange(() => ((lastRefresh = 0), poke())),
      ];
      running = loop();
    },
    async stop() {
      stopped = true;
      for (const u of unsubscribe) u();
      wake?.();
      interrupt?.();
      await running;
      running = undefined;
      await snapshot();
    },
    snapshot,
    /** Processes everything committed so far (tests, the bench, the CLI). Returns the events handled. */
    async drain(): Promise<number> {
      if (!engine) await recover();
      let total = 0;
      for (let n = await step(); n > 0; n = await step()) total += n;
      return total;
    },
    /** Forgets the in-memory state and rebuilds it from the database (as after a restart). */
    recover,
    get cursor() {
      return cursor;
    },
    get engine() {
      return engine;
    },
  };
}

class CursorMoved extends Error {}

export type Detector = ReturnType<typeof createDetector>;
