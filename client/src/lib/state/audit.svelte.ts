// The audit trail as the client sees it: entry shapes (as GET /api/v1/audit
// answers them) and the chain's verification state, shared by the screen.
import { api } from '../api.ts';

export type { AuditActor, AuditEntryView as AuditEntry } from '../../../../server/wire/audit.ts';

export type ProblemKind = 'edited' | 'removed' | 'inserted' | 'reordered' | 'truncated' | 'rewritten' | 'seal_invalid';

export interface Problem {
  kind: ProblemKind;
  seq: number | null;
  message: string;
  line?: number;
}

export interface Verification {
  status: 'intact' | 'broken';
  count?: number;
  head?: { seq: number; hash: string };
  problem?: Problem;
  seals: { count: number; last: { seq: number; at: number } | null; problems: Problem[] };
  verifiedAt: number;
  durationMs: number;
}

class AuditVerificationState {
  result = $state<Verification | null>(null);
  checking = $state(false);
  error = $state<unknown>(null);

  /** Walks the whole chain on the server (it may take seconds over millions of entries). */
  async verify(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    this.error = null;
    try {
      this.result = await api.get<Verification>('/audit/verify');
    } catch (error) {
      this.error = error;
    } finally {
      this.checking = false;
    }
  }
}

export const auditVerification = new AuditVerificationState();
