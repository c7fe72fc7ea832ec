// Sources: the systems allowed to send logs and alerts. Each has a bearer
// token shown once and stored as its SHA-256 (a 256-bit random token needs no
// slow hash), can be disabled (403 at once), revoked (401) and rotated.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../actor.ts';
import type { AuditService } from '../../audit/audit.service.ts';
import { randomToken, sha256Hex } from '../../auth/tokens.ts';
import type { Clock } from '../../clock.ts';
import { Conflict, Forbidden, Invalid, NotFound, Unauthorized } from '../../errors.ts';
import type { Db, Executor } from '../../store/db.ts';
import { inTransaction } from '../../store/transaction.ts';
import type { DailyCounts, IssuedToken, SourceView } from '../../wire/sources.ts';
import type { SourceKind } from '../ingest.tables.ts';
import { addressAllowed, addressEntryProblem, buildAddressList } from './address-list.ts';
import type { SourceRow, SourcesRepo } from './sources.repo.ts';

export const TOKEN_PREFIX = 'vgi_';
const VISIBLE_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;

/** The calendar day in Europe/Paris, `YYYY-MM-DD`: "today" on the admin screen is the establishment's day. */
const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
export function parisDay(ms: number): string {
  return dayFormat.format(ms);
}

export type { DailyCounts, IssuedToken, SourceView } from '../../wire/sources.ts';

export function presentSource(
  row: SourceRow,
  today: DailyCounts = { accepted: 0, refused: 0, skipped: 0, dropped: 0 },
): SourceView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    tokenPrefix: row.tokenPrefix,
    enabled: row.enabled === 1,
    revoked: row.revokedAt !== null,
    revokedAt: row.revokedAt,
    allowedAddresses: JSON.parse(row.allowedAddresses) as string[],
    createdAt: row.createdAt,
    tokenIssuedAt: row.tokenIssuedAt,
    lastSeenAt: row.lastSeenAt,
    lastError: row.lastError,
    lastErrorAt: row.lastErrorAt,
    today,
  };
}

function newToken() {
  const token = TOKEN_PREFIX + randomToken(32);
  return { token, tokenHash: sha256Hex(token), tokenPrefix: token.slice(0, VISIBLE_PREFIX_LENGTH) };
}

function checkAddresses(entries: readonly string[]): string[] {
  const clean = [...new Set(entries.map((e) => e.trim()).filter(Boolean))];
  const problems = clean.map(addressEntryProblem).filter((p): p is string => p !== null);
  if (problems.length)
    throw new Invalid('source.addresses_invalid', `Invalid allowed address: ${problems[0]}`, {
      issues: problems.map((message) => ({ path: 'allowedAddresses', message })),
    });
  return clean;
}

export interface SourceChanges {
  name?: string;
  enabled?: boolean;
  allowedAddresses?: string[];
}

export function createSourcesService(deps: { db: Db; repo: SourcesRepo; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;
  // Syslog senders are matched by address on every line: the lists are kept
  // in memory, refreshed on any change made here and at least every few seconds
  // (another instance may have changed them).
  let syslogCache:
    { at: number; entries: { source: SourceRow; list: ReturnType<typeof buildAddressList> }[] } | undefined;
  const invalidate = () => void (syslogCache = undefined);

  async function mustFind(dbx: Executor, id: string): Promise<SourceRow> {
    const row = await repo.findById(dbx, id);
    if (!row) throw new NotFound('source.not_found', 'No such source');
    return row;
  }

  return {
    async create(
      actor: Actor,
      input: { name: string; kind: SourceKind; allowedAddresses?: string[] },
    ): Promise<IssuedToken> {
      const allowed = checkAddresses(input.allowedAddresses ?? []);
      const { token, tokenHash, tokenPrefix } = newToken();
      const now = clock.now();
      const row: SourceRow = {
        id: randomUUID(),
        name: input.name,
        kind: input.kind,
        tokenHash,
        tokenPrefix,
        enabled: 1,
        revokedAt: null,
        allowedAddresses: JSON.stringify(allowed),
        createdAt: now,
        updatedAt: now,
        tokenIssuedAt: now,
        lastSeenAt: null,
        lastError: null,
        lastErrorAt: null,
      };
      await inTransaction(db, async (trx) => {
        await audit.lock(trx); // first: the ingest writer holds it while it updates this row (no deadlock on PostgreSQL)
        if (await repo.findByName(trx, input.name))
          throw new Conflict('source.name_taken', `A source named "${input.name}" already exists`);
        await repo.insert(trx, row);
        await audit.record(trx, {
          actor,
          action: 'source.created',
          target: { type: 'source', id: row.id },
          details: { name: row.name, kind: row.kind, tokenPrefix, allowedAddresses: allowed },
        });
      });
      invalidate();
      return { source: presentSource(row), token };
    },

    /** A new token; the old one stops working at once (a revoked source comes back with it). */
    async rotate(actor: Actor, id: string): Promise<IssuedToken> {
      const { token, tokenHash, tokenPrefix } = newToken();
      const row = await inTransaction(db, async (trx) => {
        await audit.lock(trx);
        const before = await mustFind(trx, id);
        const now = clock.now();
        const after = (await repo.update(trx, id, {
          tokenHash,
          tokenPrefix,
          tokenIssuedAt: now,
          revokedAt: null,
          updatedAt: now,
        }))!;
        await audit.record(trx, {
          actor,
          action: 'source.token_rotated',
          target: { type: 'source', id },
          details: { name: after.name, previousPrefix: before.tokenPrefix, tokenPrefix },
        });
        return after;
      });
      invalidate();
      return { source: presentSource(row), token };
    },

    async revoke(actor: Actor, id: string): Promise<SourceView> {
      const row = await inTransaction(db, async (trx) => {
        await audit.lock(trx);
        const before = await mustFind(trx, id);
        if (before.revokedAt !== null) return before;
        const now = clock.now();
        const after = (await repo.update(trx, id, { revokedAt: now, updatedAt: now }))!;
        await audit.record(trx, {
          actor,
          action: 'source.token_revoked',
          target: { type: 'source', id },
          details: { name: after.name, tokenPrefix: after.tokenPrefix },
        });
        return after;
      });
      invalidate();
      return presentSource(row);
    },

    async update(actor: Actor, id: string, changes: SourceChanges): Promise<SourceView> {
      const allowed = changes.allowedAddresses === undefined ? undefined : checkAddresses(changes.allowedAddresses);
      const row = await inTransaction(db, async (trx) => {
        await audit.lock(trx);
        const before = await mustFind(trx, id);
        if (changes.name !== undefined && changes.name !== before.name && (await repo.findByName(trx, changes.name))) {
          throw new Conflict('source.name_taken', `A source named "${changes.name}" already exists`);
        }
        const now = clock.now();
        const after = (await repo.update(trx, id, {
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.enabled !== undefined ? { enabled: changes.enabled ? 1 : 0 } : {}),
          ...(allowed !== undefined ? { allowedAddresses: JSON.stringify(allowed) } : {}),
          updatedAt: now,
        }))!;
        const diff: Record<string, unknown> = {};
        if (after.name !== before.name) diff.name = { from: before.name, to: after.name };
        if (after.enabled !== before.enabled) diff.enabled = after.enabled === 1;
        if (after.allowedAddresses !== before.allowedAddresses)
          diff.allowedAddresses = JSON.parse(after.allowedAddresses);
        await audit.record(trx, {
          actor,
          action: 'source.updated',
          target: { type: 'source', id },
          details: { name: after.name, changes: diff },
        });
        return after;
      });
      invalidate();
      return presentSource(row, await this.countsToday(id));
    },

    async list(): Promise<SourceView[]> {
      const [rows, counts] = await Promise.all([repo.list(db), repo.countsOn(db, parisDay(clock.now()))]);
      const byId = new Map(
        counts.map((c) => [
          c.sourceId,
          {
            accepted: Number(c.accepted),
            refused: Number(c.refused),
            skipped: Number(c.skipped),
            dropped: Number(c.dropped),
          },
        ]),
      );
      return rows.map((r) => presentSource(r, byId.get(r.id)));
    },

    async get(id: string): Promise<SourceView> {
      return presentSource(await mustFind(db, id), await this.countsToday(id));
    },

    async countsToday(id: string): Promise<DailyCounts> {
      const c = (await repo.countsOn(db, parisDay(clock.now()))).find((x) => x.sourceId === id);
      return {
        accepted: Number(c?.accepted ?? 0),
        refused: Number(c?.refused ?? 0),
        skipped: Number(c?.skipped ?? 0),
        dropped: Number(c?.dropped ?? 0),
      };
    },

    /** The source a bearer token belongs to: 401 when unknown or revoked, 403 when disabled. */
    async authenticate(token: string | undefined): Promise<SourceRow> {
      if (!token)
        throw new Unauthorized(
          'ingest.token_missing',
          'A bearer token is required: Authorization: Bearer <source token>',
        );
      const row = await repo.findByTokenHash(db, sha256Hex(token));
      if (!row) throw new Unauthorized('ingest.token_invalid', 'Unknown source token');
      if (row.revokedAt !== null) throw new Unauthorized('ingest.token_revoked', 'This source token was revoked');
      if (row.enabled !== 1)
        throw new Forbidden('ingest.source_disabled', `Source "${row.name}" is disabled`, { sourceId: row.id });
      return row;
    },

    /**
     * The syslog source a sender address belongs to (the oldest enabled one that allows it), if any.
     * Syslog carries no token: the address is the credential, so only `enabled` matters here.
     */
    async syslogSourceFor(address: string): Promise<SourceRow | undefined> {
      const now = performance.now();
      if (!syslogCache || now - syslogCache.at > 5_000) {
        const rows = await repo.listByKind(db, 'syslog');
        syslogCache = {
          at: now,
          entries: rows.map((source) => ({
            source,
            list: buildAddressList(JSON.parse(source.allowedAddresses) as string[]),
          })),
        };
      }
      return syslogCache.entries.find((e) => e.source.enabled === 1 && addressAllowed(e.list, address))?.source;
    },

    invalidate,
  };
}

export type SourcesService = ReturnType<typeof createSourcesService>;
