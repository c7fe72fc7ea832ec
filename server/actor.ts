import type { Role } from './auth/permissions.ts';

/** Who is acting: passed to every service call and recorded in the audit trail. */
export type Actor =
  | { kind: 'user'; id: string; roles: readonly Role[]; sessionId: string; requestId?: string; address?: string }
  | { kind: 'source'; id: string; requestId?: string; address?: string }
  | { kind: 'system'; requestId?: string }
  | { kind: 'cli' }
  /** Someone not yet authenticated (login, enrolment): `subject` is the user concerned, if known. */
  | { kind: 'anonymous'; subject?: string; requestId?: string; address?: string };

export const systemActor: Actor = { kind: 'system' };
export const cliActor: Actor = { kind: 'cli' };

/** The text form stored in audit_entries.actor. */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return `user:${actor.id}`;
    case 'source':
      return `source:${actor.id}`;
    case 'anonymous':
      return actor.subject ? `anonymous:${actor.subject}` : 'anonymous';
    default:
      return actor.kind;
  }
}

/** The user id in a label made by `actorLabel`, or null when the actor was not a user. */
export function userIdOfLabel(label: string): string | null {
  return label.startsWith('user:') ? label.slice('user:'.length) : null;
}
