// The typed events the server pushes. Names are the same dotted names as the
// audit actions. The client imports this map as types; sockets only push.
import type { AlertItem } from './alerts.ts';

/** Why a session's sockets are told to go. `roles_changed`: the session goes on; reconnect to join the rooms of the new roles. */
export type SessionEndReason =
  'logout' | 'revoked' | 'expired' | 'disabled' | 'mfa_reset' | 'password_changed' | 'roles_changed';

export interface ServerToClientEvents {
  /** A new alert was raised. */
  'alert.raised': (alert: AlertItem) => void;
  /** An existing alert changed in place (a repeat folded in, a status change). */
  'alert.updated': (alert: AlertItem) => void;
  /**
   * Said to the sockets of a session just before they are disconnected.
   * `roles_changed`: the session goes on; reconnect to join the rooms of the new roles.
   */
  'session.ended': (info: { reason: SessionEndReason }) => void;
}

export type RealtimeEventName = keyof ServerToClientEvents;
export type RealtimePayload<K extends RealtimeEventName> = Parameters<ServerToClientEvents[K]>[0];

// Nothing comes from clients: changes go through REST.
export type ClientToServerEvents = Record<string, never>;
