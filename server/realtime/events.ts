// The typed events the server pushes: the map itself is a wire type
// (server/wire/realtime.ts), shared with the client. The rooms are the server's own.
import type { Role } from '../auth/permissions.ts';
import type { AlertItem } from '../wire/alerts.ts';

export type {
  ClientToServerEvents,
  RealtimeEventName,
  RealtimePayload,
  ServerToClientEvents,
  SessionEndReason,
} from '../wire/realtime.ts';

export type Room = `role:${Role}` | `user:${string}` | `incident:${string}` | `session:${string}`;

/** An alert as the live queue shows it (patient id already masked). */
export type AlertPush = AlertItem;
