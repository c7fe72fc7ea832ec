// The chain walker: pure, fed the entries in sequence order batch by batch
// (so it walks millions of entries in constant memory), it finds the first
// broken place and says what is wrong there. It knows nothing of the database.
import type { AuditEntryRow } from './audit.repo.ts';
import { entryHash, GENESIS_HASH } from './hash-chain.ts';

export type ProblemKind =
  /** An entry no longer matches its hash, or its hash was recomputed (the next entry still links to the old one). */
  | 'edited'
  /** A sequence gap, or an entry deleted and the later ones renumbered. */
  | 'removed'
  /** An entry that was never appended: a duplicate sequence number, or an extra entry that the real one does not follow. */
  | 'inserted'
  /** Entries moved or swapped: the entry that follows the previous one sits at another sequence number. */
  | 'reordered'
  /** The chain ends before the last sealed entry. */
  | 'truncated'
  /** The chain no longer holds a sealed (seq, hash): rewritten wholesale after the seal. */
  | 'rewritten'
  /** A line of the seal file is unreadable or its signature is wrong. */
  | 'seal_invalid';

export interface Problem {
  kind: ProblemKind;
  /** The first broken sequence number; null only for a seal line that names none. */
  seq: number | null;
  message: string;
  /** Line of the seal file, for seal problems. */
  line?: number;
}

/** A seal whose signature was checked. */
export interface Seal {
  seq: number;
  hash: string;
  /** When it was sealed (epoch ms). */
  at: number;
}

export type WalkOutcome =
  | { ok: true; count: number; head: { seq: number; hash: string }; sealsMatched: number }
  | { ok: false; problem: Problem };

const belongsAt = (row: AuditEntryRow, seq: number) => entryHash({ ...row, seq }) === row.hash;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Usage: `const w = new ChainWalker(seals); while (w.wantsMore && (batch = next())) w.push(batch); w.finish()`.
 * Rows must come in ascending `seq` order, as `audit.repo.range` gives them.
 */
export class ChainWalker {
  #expSeq = 1;
  #expPrev = GENESIS_HASH;
  #count = 0;
  /** Sealed hashes by sequence number (several seals may cover one head). */
  #seals = new Map<number, Seal[]>();
  #maxSeal: Seal | undefined;
  #lastMatchedSeal = 0;
  #sealsMatched = 0;
  #problem: Problem | undefined;
  /** Set when an anomaly was met and the walker looks further on for the entry that really follows. */
  #suspect: { row: AuditEntryRow; includeSelf: boolean } | undefined;

  constructor(seals: readonly Seal[] = []) {
    for (const s of seals) {
      const list = this.#seals.get(s.seq);
      if (list) list.push(s);
      else this.#seals.set(s.seq, [s]);
      if (!this.#maxSeal || s.seq > this.#maxSeal.seq) this.#maxSeal = s;
    }
    // A seal of the empty chain holds the genesis hash.
    this.#checkSeals(0, GENESIS_HASH);
  }

  /** False once the answer is known: the caller may stop reading. */
  get wantsMore(): boolean {
    return this.#problem === undefined;
  }

  push(rows: readonly AuditEntryRow[]): void {
    for (const row of rows) {
      if (this.#problem) return;
      if (this.#suspect) this.#lookFurther(row);
      else this.#step(row);
    }
  }

  finish(): WalkOutcome {
    if (!this.#problem && this.#suspect) this.#problem = this.#diagnose(this.#suspect.row, undefined);
    if (this.#problem) return { ok: false, problem: this.#problem };
    const lastSeq = this.#expSeq - 1;
    if (this.#maxSeal && this.#maxSeal.seq > lastSeq) {
      return {
        ok: false,
        problem: {
          kind: 'truncated',
          seq: lastSeq + 1,
          message: `the chain ends at #${lastSeq} but #${this.#maxSeal.seq} was sealed at ${iso(this.#maxSeal.at)}: entries from #${lastSeq + 1} on were removed`,
        },
      };
    }
    return {
      ok: true,
      count: this.#count,
      head: { seq: lastSeq, hash: this.#expPrev },
      sealsMatched: this.#sealsMatched,
    };
  }

  #step(row: AuditEntryRow): void {
    const e = this.#expSeq;
    if (row.seq < e) {
      this.#problem = { kind: 'inserted', seq: row.seq, message: `two entries carry #${row.seq}: one was added` };
      return;
    }
    if (row.seq > e || row.prevHash !== this.#expPrev || entryHash(row) !== row.hash) {
      // Find which entry really follows #e-1 before naming what happened.
      this.#suspect = { row, includeSelf: row.seq > e };
      this.#lookFurther(row);
      return;
    }
    if (this.#problem) return;
    this.#checkSeals(row.seq, row.hash);
    if (this.#problem) return;
    this.#count += 1;
    this.#expSeq = row.seq + 1;
    this.#expPrev = row.hash;
  }

  #checkSeals(seq: number, hash: string): void {
    const seals = this.#seals.get(seq);
    if (!seals) return;
    const differs = seals.find((s) => s.hash !== hash);
    if (differs) {
      this.#problem = {
        kind: 'rewritten',
        seq,
        message: `#${seq} differs from its seal of ${iso(differs.at)}: the chain was rewritten after #${this.#lastMatchedSeal}, the last sealed entry that still matches`,
      };
      return;
    }
    this.#lastMatchedSeal = seq;
    this.#sealsMatched += seals.length;
  }

  /** While suspecting `suspect.row`, look for the entry that links to the last good one. */
  #lookFurther(row: AuditEntryRow): void {
    const suspect = this.#suspect!;
    if (row === suspect.row && !suspect.includeSelf) return;
    if (row.prevHash === this.#expPrev) this.#problem = this.#diagnose(suspect.row, row);
  }

  /**
   * Names what happened at the first anomaly. `r` is the first entry that does not
   * follow #e-1; `x`, when found, is the entry further on that does link to #e-1.
   */
  #diagnose(r: AuditEntryRow, x: AuditEntryRow | undefined): Problem {
    const e = this.#expSeq;
    const xHome = x !== undefined && belongsAt(x, e);
    if (r.seq > e) {
      if (x && xHome && x !== r)
        return {
          kind: 'reordered',
          seq: e,
          message: `#${e} was moved to #${x.seq} (entries up to #${r.seq - 1} are missing from their place)`,
        };
      if (x === r && xHome) return { kind: 'reordered', seq: e, message: `#${e} was renumbered #${r.seq}` };
      const missing = r.seq - e;
      return {
        kind: 'removed',
        seq: e,
        message:
          missing === 1
            ? `#${e} is missing: #${r.seq} follows #${e - 1}`
            : `#${e}–#${r.seq - 1} are missing (${missing} entries): #${r.seq} follows #${e - 1}`,
      };
    }
    const selfOk = belongsAt(r, e);
    const linkOk = r.prevHash === this.#expPrev;
    if (x && xHome) {
      if (x.seq === e)
        return {
          kind: 'inserted',
          seq: e,
          message: `two entries carry #${e}: the one that does not link to #${e - 1} was added`,
        };
      if (belongsAt(r, x.seq)) return { kind: 'reordered', seq: e, message: `#${e} and #${x.seq} were swapped` };
      if (x.seq === e + 1)
        return { kind: 'inserted', seq: e, message: `#${e} was added: the former #${e} now carries #${e + 1}` };
      return {
        kind: 'reordered',
        seq: e,
        message: `#${e} was moved to #${x.seq}; the entry now at #${e} does not belong there`,
      };
    }
    if (x)
      return {
        kind: 'reordered',
        seq: e,
        message: `#${e} does not follow #${e - 1}; #${x.seq} links to #${e - 1} but was altered too`,
      };
    if (selfOk && !linkOk) {
      if (e === 1)
        return {
          kind: 'edited',
          seq: 1,
          message: '#1 does not start from the genesis hash: it was altered and its hash recomputed',
        };
      return {
        kind: 'edited',
        seq: e - 1,
        message: `#${e - 1} was altered and its hash recomputed: #${e} still links to its former hash`,
      };
    }
    if (linkOk)
      return {
        kind: 'edited',
        seq: e,
        message: `#${e} no longer matches its hash: it was changed after it was written`,
      };
    if (belongsAt(r, e + 1))
      return {
        kind: 'removed',
        seq: e,
        message: `#${e} was removed and the later entries renumbered: #${e + 1} now carries #${e}`,
      };
    if (e > 1 && belongsAt(r, e - 1))
      return { kind: 'inserted', seq: e - 1, message: `#${e - 1} was added: the former #${e - 1} now carries #${e}` };
    return {
      kind: 'edited',
      seq: e,
      message: `#${e} no longer matches its hash and does not link to #${e - 1}: it was changed after it was written`,
    };
  }
}
