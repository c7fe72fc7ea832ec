// The access-log explorer: search by user, patient, action, application,
// department and period, newest first by keyset, with a bounded count;
// the CSV export of the same search; and revealing a patient identifier,
// which is an explicit, audited action with a reason. Every answer carries
// patient identifiers masked — including inside the free context.
import type { Actor } from '../../actor.ts';
import type { AuditService } from '../../audit/audit.service.ts';
import { Invalid, NotFound } from '../../errors.ts';
import { maskIdentifiersIn, maskPatientId } from '../../privacy.ts';
import type { Db } from '../../store/db.ts';
import { inTransaction } from '../../store/transaction.ts';
import type { AccessEventPage, AccessEventView, RevealedEventPatient } from '../../wire/access-log.ts';
import type { AccessEventFilter, AccessEventRow, AccessEventsRepo, EventCursor } from '../access-events.repo.ts';
import { parseIsoTime } from '../pipeline/iso-time.ts';
import type { SourcesRepo } from '../sources/sources.repo.ts';
import type { AccessEventQuery } from './explorer.schemas.ts';
import type { PatientSearchGate } from './patient-search.ts';

/** Counts are exact up to this many rows; beyond, the answer says "more than". */
export const COUNT_CAP = 10_000;
/** The largest CSV export, in rows. */
export const EXPORT_CAP = 1_000_000;

export type { AccessEventView } from '../../wire/access-log.ts';
export type SearchPage = AccessEventPage;

export function presentEvent(row: AccessEventRow, sourceName: string | null): AccessEventView {
  const masked = maskPatientId(row.patientId);
  const context = row.context === null ? null : (JSON.parse(row.context) as unknown);
  return {
    id: row.id,
    occurredAt: row.occurredAt,
    occurredAtText: row.occurredAtText,
    receivedAt: row.receivedAt,
    source: { id: row.sourceId, name: sourceName },
    user: row.userId,
    action: row.action,
    outcome: row.outcome,
    patient: masked,
    application: row.application,
    workstation: row.workstation,
    address: row.address,
    department: row.department,
    // The source may repeat the patient identifier in the free context, in any case.
    context: maskIdentifiersIn(context, [row.patientId]),
  };
}

export function encodeCursor(c: EventCursor): string {
  return Buffer.from(`${c.occurredAt}.${c.id}`).toString('base64url');
}

export function decodeCursor(text: string): EventCursor {
  const m = /^(-?\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!m) throw new Invalid('cursor.invalid', 'Invalid cursor: start again from the first page');
  return { occurredAt: Number(m[1]), id: Number(m[2]) };
}

/**
 * The searches themselves, without the reveal step a clear patient identifier
 * needs: the service below is what routes use; this is for measuring (the bench).
 */
export function createExplorerQueries(deps: { db: Db; repo: AccessEventsRepo; sources: SourcesRepo }) {
  const { db, repo, sources } = deps;

  async function sourceNames(): Promise<Map<string, string>> {
    return new Map((await sources.list(db)).map((s) => [s.id, s.name]));
  }

  /** The query's filters as the repo takes them; `patientOf` is resolved without revealing anything. */
  async function filterOf(q: AccessEventQuery): Promise<AccessEventFilter> {
    const time = (text: string | undefined, field: string) => {
      if (text === undefined) return undefined;
      const t = parseIsoTime(text);
      if (typeof t !== 'number') throw new Invalid('invalid_input', `Invalid ${field}: a real date and time`);
      return t;
    };
    let patient = q.patient;
    if (q.patientOf !== undefined) {
      const row = await repo.findById(db, q.patientOf);
      if (!row) throw new NotFound('access_event.not_found', `No access event #${q.patientOf}`);
      if (!row.patientId)
        throw new Invalid('access_event.no_patient', `Access event #${q.patientOf} concerns no patient`);
      if (patient !== undefined && patient !== row.patientId)
        throw new Invalid('invalid_input', 'patient and patientOf name different patients');
      patient = row.patientId;
    }
    const from = time(q.from, 'from');
    const to = time(q.to, 'to');
    if (from !== undefined && to !== undefined && from >= to)
      throw new Invalid('invalid_input', 'Invalid period: from must be before to');
    const not = {
      user: q['not.user'],
      actions: q['not.action'],
      application: q['not.application'],
      department: q['not.department'],
    };
    return {
      user: q.user,
      patient,
      actions: q.action,
      outcome: q.outcome,
      application: q.application,
      department: q.department,
      sourceId: q.source,
      from,
      to,
      not,
    };
  }

  return {
    sourceNames,
    filterOf,
    async search(q: AccessEventQuery): Promise<SearchPage> {
      const filter = await filterOf(q);
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      const [rows, names, count] = await Promise.all([
        repo.search(db, filter, after, q.limit + 1),
        sourceNames(),
        after ? undefined : repo.countUpTo(db, filter, COUNT_CAP),
      ]);
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        items: page.map((r) => presentEvent(r, names.get(r.sourceId) ?? null)),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
        ...(count === undefined ? {} : { count: { value: Math.min(count, COUNT_CAP), exact: count <= COUNT_CAP } }),
      };
    },
  };
}

/** A filter as it may be written to the audit trail: the patient masked, the reason apart. */
function auditable(q: AccessEventQuery): Record<string, unknown> {
  const { cursor: _c, limit: _l, reason: _r, patient, ...rest } = q;
  return { ...rest, ...(patient ? { patient: maskPatientId(patient) } : {}) };
}

export function createExplorerService(deps: {
  db: Db;
  repo: AccessEventsRepo;
  sources: SourcesRepo;
  audit: AuditService;
  patientSearch: PatientSearchGate;
}) {
  const { db, repo, audit, patientSearch } = deps;
  const queries = createExplorerQueries(deps);
  const { sourceNames, filterOf } = queries;

  /** A clear patient identifier in the filters is a reveal: reason, limit and audit first (before `patientOf` can confirm a guess). */
  async function admit(actor: Actor, q: AccessEventQuery, format?: 'csv'): Promise<void> {
    if (q.patient === undefined) return;
    await patientSearch.admit(actor, {
      patient: q.patient,
      reason: q.reason,
      ...(q.patientOf === undefined ? {} : { patientOf: q.patientOf }),
      ...(format ? { format } : {}),
    });
  }

  return {
    async search(actor: Actor, q: AccessEventQuery): Promise<SearchPage> {
      await admit(actor, q);
      return queries.search(q);
    },

    async get(id: number): Promise<AccessEventView> {
      const row = await repo.findById(db, id);
      if (!row) throw new NotFound('access_event.not_found', `No access event #${id}`);
      return presentEvent(row, (await sourceNames()).get(row.sourceId) ?? null);
    },

    /** The clear patient identifier of one event; the reason is written to the audit trail (never the identifier). */
    async reveal(actor: Actor, id: number, reason: string): Promise<RevealedEventPatient> {
      return inTransaction(db, async (trx) => {
        const row = await repo.findById(trx, id);
        if (!row) throw new NotFound('access_event.not_found', `No access event #${id}`);
        if (!row.patientId) throw new Invalid('access_event.no_patient', `Access event #${id} concerns no patient`);
        await audit.record(trx, {
          actor,
          action: 'access_event.revealed',
          target: { type: 'access_event', id },
          details: { reason, patient: maskPatientId(row.patientId), sourceId: row.sourceId },
        });
        return { id, patient: row.patientId };
      });
    },

    /** The rows of a search, newest first, for the CSV export (audited once, before the first row). */
    async *exportRows(actor: Actor, q: AccessEventQuery): AsyncGenerator<AccessEventView> {
      await admit(actor, q, 'csv');
      const filter = await filterOf(q);
      await inTransaction(db, (trx) =>
        audit.record(trx, {
          actor,
          action: 'access_events.exported',
          details: { filter: auditable(q), format: 'csv' },
        }),
      );
      const names = await sourceNames();
      let after: EventCursor | undefined;
      let n = 0;
      while (n < EXPORT_CAP) {
        const rows = await repo.search(db, filter, after, Math.min(1000, EXPORT_CAP - n));
        for (const r of rows) yield presentEvent(r, names.get(r.sourceId) ?? null);
        n += rows.length;
        if (rows.length < 1000) return;
        after = rows.at(-1)!;
      }
    },
  };
}

export type ExplorerService = ReturnType<typeof createExplorerService>;
