// Ingest sources as the admin screen shows them (GET /sources and the actions).
import type { SourceKind } from './enums.ts';

/** Accepted and refused records of one source today (Europe/Paris day). */
export interface DailyCounts {
  accepted: number;
  refused: number;
  /** Records the format ignores by design (Suricata's non-alert events): not an error. */
  skipped: number;
  /** Syslog UDP datagrams lost before they could be read or kept. */
  dropped: number;
}

export interface SourceView {
  id: string;
  name: string;
  kind: SourceKind;
  tokenPrefix: string;
  enabled: boolean;
  revoked: boolean;
  revokedAt: number | null;
  allowedAddresses: string[];
  createdAt: number;
  tokenIssuedAt: number;
  lastSeenAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  /** `skipped`: records the format ignores by design (Suricata's non-alert events), not an error; `dropped`: syslog UDP datagrams lost (see docs/ingest.md, "Syslog"). */
  today: DailyCounts;
}

/** POST /sources and /sources/:id/rotate: the token is in this answer only, never again. */
export interface IssuedToken {
  source: SourceView;
  token: string;
}
