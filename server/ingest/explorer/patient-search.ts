// Searching the access log by a clear patient identifier ties it to the masked
// rows it finds (and `patientOf` + `patient` says yes or no to a guess): it is
// a reveal. So it carries a reason, is audited like one (the identifier masked,
// never in clear), and is limited per user — counted on the audit trail itself,
// in the transaction that records it, so parallel requests and several
// instances count the same.
import type { Actor } from '../../actor.ts';
import type { AuditService } from '../../audit/audit.service.ts';
import type { Clock } from '../../clock.ts';
import { Invalid, TooManyRequests } from '../../errors.ts';
import { maskPatientId } from '../../privacy.ts';
import type { Db } from '../../store/db.ts';
import { inTransaction } from '../../store/transaction.ts';

/** The audit action of a search by clear patient identifier (list, next page or export). */
export const PATIENT_SEARCH_ACTION = 'access_events.patient_searched';

export interface PatientSearchPolicy {
  /** Searches by clear identifier one user may make per window. */
  limit: number;
  windowMs: number;
}

export interface PatientSearch {
  patient: string;
  reason: string | undefined;
  patientOf?: number;
  format?: 'csv';
}

export function createPatientSearchGate(deps: {
  db: Db;
  audit: Pick<AuditService, 'lock' | 'record' | 'timesSince'>;
  clock: Clock;
  policy: PatientSearchPolicy;
}) {
  const { db, audit, clock, policy } = deps;
  return {
    /** Refuses a search without a reason or over the user's limit; otherwise records it, before it runs. */
    async admit(actor: Actor, search: PatientSearch): Promise<void> {
      if (!search.reason) {
        throw new Invalid(
          'access_events.reason_required',
          'A search by patient identifier reveals who that patient is: give a reason (at least 10 characters)',
          {
            issues: [{ path: 'reason', message: 'required with patient: say why, in at least 10 characters' }],
          },
        );
      }
      const reason = search.reason;
      await inTransaction(db, async (trx) => {
        await audit.lock(trx);
        const now = clock.now();
        const times = await audit.timesSince(trx, {
          actor,
          action: PATIENT_SEARCH_ACTION,
          since: now - policy.windowMs + 1,
          limit: policy.limit,
        });
        if (times.length >= policy.limit) {
          const retryAfterSeconds = Math.max(1, Math.ceil((times[0]! + policy.windowMs - now) / 1000));
          throw new TooManyRequests(
            'access_events.patient_search_limited',
            `At most ${policy.limit} searches by patient identifier per ${Math.round(policy.windowMs / 60_000)} min: try again in ${retryAfterSeconds} s`,
            retryAfterSeconds,
            {
              retryAfterSeconds,
              limit: policy.limit,
            },
          );
        }
        await audit.record(trx, {
          actor,
          action: PATIENT_SEARCH_ACTION,
          ...(search.patientOf === undefined ? {} : { target: { type: 'access_event', id: search.patientOf } }),
          details: {
            patient: maskPatientId(search.patient),
            reason,
            ...(search.format ? { format: search.format } : {}),
          },
        });
      });
    },
  };
}

export type PatientSearchGate = ReturnType<typeof createPatientSearchGate>;
