// Staff reports: any staff member tells, in plain words, that something went
// wrong; the report enters the alert store like any alert (origin 'report'),
// reaches the analysts live, and its author follows its status — and only
// their own reports, never another alert.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../actor.ts';
import type { Clock } from '../clock.ts';
import { Invalid } from '../errors.ts';
import { maskPatientId } from '../privacy.ts';
import type { Db } from '../store/db.ts';
import { inTransaction } from '../store/transaction.ts';
import type { MyReport, MyReportsPage, ReportDetails } from '../wire/reports.ts';
import type { ReportRow } from './alerts.repo.ts';
import type { AlertsService } from './alerts.service.ts';
import { maskTerms, patientTerms, REPORT_RULE, reportExplanation, reportTitle } from './report-text.ts';
import type { MyReportsQuery, ReportInput } from './reports.schemas.ts';

/** A clock a little ahead of ours is not a report from the future. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export type { MyReport, ReportDetails } from '../wire/reports.ts';

export interface ReportDeps {
  db: Db;
  alerts: Pick<AlertsService, 'raise' | 'repo'>;
  /** The reporter's name as Vigie knows it. */
  nameOf: (userId: string) => Promise<string | undefined>;
  clock: Clock;
}

/** Even to its author, the patient text is masked (a ward's screen is seen by others). */
function presentMine(row: ReportRow): MyReport {
  let report: Partial<ReportDetails['report']> = {};
  try {
    report = (maskTerms(JSON.parse(row.details), patientTerms(row.patientId)) as Partial<ReportDetails>).report ?? {};
  } catch {
    report = {};
  }
  return {
    id: row.id,
    summary: report.summary ?? '',
    description: report.description ?? '',
    category: report.category ?? null,
    urgent: report.urgent ?? row.severity === 'high',
    occurredAt: report.occurredAt ?? null,
    patientsConcerned: maskPatientId(row.patientId),
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function createReportsService(deps: ReportDeps) {
  const { db, alerts, nameOf, clock } = deps;
  return {
    /** Files a report: one new alert (never folded into another), audited by the alert store, pushed to analysts. */
    async file(actor: Actor & { kind: 'user' }, input: ReportInput): Promise<MyReport> {
      const now = clock.now();
      if (input.occurredAt != null && input.occurredAt > now + FUTURE_TOLERANCE_MS) {
        throw new Invalid('invalid_input', 'Invalid report: occurredAt: not in the future', {
          issues: [{ path: 'occurredAt', message: 'not in the future' }],
        });
      }
      const name = (await nameOf(actor.id)) ?? actor.id;
      const category = input.category ?? null;
      const details: ReportDetails = {
        report: {
          summary: input.summary,
          description: input.description,
          category,
          occurredAt: input.occurredAt ?? null,
          urgent: input.urgent,
          reporter: { id: actor.id, name },
        },
      };
      const raised = await inTransaction(db, (trx) =>
        alerts.raise(trx, actor, {
          origin: 'report',
          rule: REPORT_RULE,
          severity: input.urgent ? 'high' : 'medium',
          title: reportTitle(category),
          explanation: reportExplanation(name, input.summary, input.urgent),
          // Every report stands on its own: two people telling the same story are two reports.
          fingerprint: `report:${randomUUID()}`,
          windowMs: 0,
          seenAt: Math.min(input.occurredAt ?? now, now),
          lastSeenAt: now,
          patientId: input.patientsConcerned ?? null,
          details: details as unknown as Record<string, unknown>,
          reportedBy: actor.id,
        }),
      );
      return presentMine(raised.alert);
    },

    /** The author's own reports with their current status, newest first. */
    async mine(actor: Actor & { kind: 'user' }, query: MyReportsQuery): Promise<MyReportsPage> {
      const rows = await alerts.repo.listReportedBy(
        db,
        actor.id,
        query.limit + 1,
        query.cursor ? Number(query.cursor) : undefined,
      );
      const page = rows.slice(0, query.limit);
      return {
        items: page.map(presentMine),
        nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.id) : null,
      };
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
