// The access-log explorer's answers (GET /access-events and the reveal).
import type { AccessAction, AccessOutcome } from './enums.ts';

/** An access event as the explorer shows it (the patient id already masked, inside the context too). */
export interface AccessEventView {
  id: number;
  occurredAt: number;
  occurredAtText: string;
  receivedAt: number;
  source: { id: string; name: string | null };
  user: string | null;
  action: AccessAction;
  outcome: AccessOutcome;
  /** Masked. */
  patient: string | null;
  application: string | null;
  workstation: string | null;
  address: string | null;
  department: string | null;
  context: unknown;
}

export interface EventCount {
  value: number;
  /** false: "more than `value`". */
  exact: boolean;
}

/** GET /access-events. */
export interface AccessEventPage {
  items: AccessEventView[];
  nextCursor: string | null;
  /** On the first page only: exact up to the server's cap, else `{ value: cap, exact: false }` ("more than"). */
  count?: EventCount;
}

/** POST /access-events/:id/reveal: the clear patient identifier (the server records who asked and why). */
export interface RevealedEventPatient {
  id: number;
  patient: string;
}
