// Staff reports as their author sees them (GET /reports/mine, POST /reports).
import type { AlertStatus, ReportCategory } from './enums.ts';

/** What a report keeps in its alert's details (the patients concerned live in the masked patient column). */
export interface ReportDetails {
  report: {
    summary: string;
    description: string;
    category: ReportCategory | null;
    occurredAt: number | null;
    urgent: boolean;
    reporter: { id: string; name: string };
  };
}

/** A report as its author sees it. */
export interface MyReport {
  id: number;
  summary: string;
  description: string;
  category: ReportCategory | null;
  urgent: boolean;
  occurredAt: number | null;
  /** Masked, like every patient identifier. */
  patientsConcerned: string | null;
  status: AlertStatus;
  createdAt: number;
  updatedAt: number;
}

/** GET /reports/mine. */
export interface MyReportsPage {
  items: MyReport[];
  nextCursor: string | null;
}
