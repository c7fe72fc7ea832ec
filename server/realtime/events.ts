// The typed events the server pushes. Names are the same dotted names as the
// audit actions. The client imports this map as types; sockets only push.
import type { Role } from '../auth/permissions.ts';

export type Room = `role:${Role}` | `user:${string}` | `incident:${string}` | `session:${string}`;

/** An alert as the live queue shows it (patient id already masked). */
export interface AlertPush {
  id: number;
  rule: string;
  origin: string;
  severity: string;
  status: string;
  title: string;
  /** The title in each language (the same text twice when the raiser gave one). */
  titles?: { fr: string; en: string };
  explanation: { fr: string; en: string };
  count: number;
  firstSeenAt: number;
  lastSeenAt: number;
  createdAt: number;
  updatedAt?: number;
  userId: string | null;
  patientId: string | null;
  host: string | null;
}

export interface ServerToClientEvents {
  /** A new alert was raised. */
  'alert.raised': (alert: AlertPush) => void;
  /** An existing alert changed in place (a repeat folded in, a status change). */
  'alert.updated': (alert: AlertPush) => void;
  /**
   * Said to the sockets of a session just before they are disconnected.
   * `roles_changed`: the session goes on; reconnect to join the rooms of the new roles.
   */
  'session.ended': (info: { reason: 'logout' | 'revoked' | 'expired' | 'disabled' | 'mfa_reset' | 'password_changed' | 'roles_changed' }) => void;
}

export type RealtimeEventName = keyof ServerToClientEvents;
export type RealtimePayload<K extends RealtimeEventName> = Parameters<ServerToClientEvents[K]>[0];

// Nothing comes from clients: changes go through REST.
export type ClientToServerEvents = Record<string, never>;
