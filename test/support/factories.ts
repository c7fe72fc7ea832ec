import { randomUUID } from 'node:crypto';
import type { Role } from '../../server/auth/permissions.ts';
import type { UserRow } from '../../server/auth/users.repo.ts';
import type { Services } from '../../server/services.ts';

let counter = 0;

/** An active user with these roles (no password or TOTP: for tests that start from a session). */
export async function createUser(
  services: Services,
  options: { roles: Role[]; email?: string; name?: string; status?: UserRow['status'] } = { roles: ['analyst'] },
): Promise<UserRow> {
  counter += 1;
  const now = services.clock.now();
  const user: UserRow = {
    id: randomUUID(),
    email: options.email ?? `user${counter}-${randomUUID().slice(0, 6)}@clinique.test`,
    name: options.name ?? `Utilisateur ${counter}`,
    status: options.status ?? 'active',
    passwordHash: null,
    totpSecret: null,
    totpLastStep: null,
    locale: 'fr',
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
  };
  await services.users.insert(services.db, user, options.roles);
  return user;
}

/** A full session for the user; returns the clear cookie token. */
export async function createSession(services: Services, userId: string, stage: 'password' | 'full' = 'full') {
  return services.sessions.issue(services.db, { userId, stage, address: '127.0.0.1', userAgent: 'vitest' });
}
