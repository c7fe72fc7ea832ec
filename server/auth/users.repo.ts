import type { Executor } from '../store/db.ts';
import type { UsersTable } from './auth.tables.ts';
import type { Role } from './permissions.ts';

export type UserRow = UsersTable;
const COLUMNS = [
  'id',
  'email',
  'name',
  'status',
  'passwordHash',
  'totpSecret',
  'totpLastStep',
  'locale',
  'createdAt',
  'updatedAt',
  'lastLoginAt',
] as const;

export function createUserRepo() {
  return {
    async findById(db: Executor, id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    },
    async findByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').select(COLUMNS).where('email', '=', email.toLowerCase()).executeTakeFirst();
    },
    async rolesOf(db: Executor, userId: string): Promise<Role[]> {
      const rows = await db
        .selectFrom('user_roles')
        .select('role')
        .where('userId', '=', userId)
        .orderBy('role')
        .execute();
      return rows.map((r) => r.role);
    },
    async insert(db: Executor, user: UserRow, roles: readonly Role[]): Promise<void> {
      await db
        .insertInto('users')
        .values({ ...user, email: user.email.toLowerCase() })
        .execute();
      if (roles.length)
        await db
          .insertInto('user_roles')
          .values(roles.map((role) => ({ userId: user.id, role })))
          .execute();
    },
    async update(db: Executor, id: string, patch: Partial<Omit<UserRow, 'id' | 'createdAt'>>): Promise<void> {
      await db.updateTable('users').set(patch).where('id', '=', id).execute();
    },
    async setRoles(db: Executor, userId: string, roles: readonly Role[]): Promise<void> {
      await db.deleteFrom('user_roles').where('userId', '=', userId).execute();
      if (roles.length)
        await db
          .insertInto('user_roles')
          .values(roles.map((role) => ({ userId, role })))
          .execute();
    },
    async count(db: Executor): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    /**
     * Records an accepted TOTP step, only if it is later than the last one:
     * false means another request already used this step (a replay).
     */
    async advanceTotpStep(db: Executor, id: string, step: number, at: number): Promise<boolean> {
      const result = await db
        .updateTable('users')
        .set({ totpLastStep: step, updatedAt: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('totpLastStep', 'is', null), eb('totpLastStep', '<', step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Every user with their roles, by name. */
    async list(db: Executor): Promise<(UserRow & { roles: Role[] })[]> {
      const users = await db.selectFrom('users').select(COLUMNS).orderBy('name').orderBy('email').execute();
      const roles = await db.selectFrom('user_roles').select(['userId', 'role']).orderBy('role').execute();
      const byUser = new Map<string, Role[]>();
      for (const r of roles) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r.role]);
      return users.map((u) => ({ ...u, roles: byUser.get(u.id) ?? [] }));
    },
    /** Active users holding the admin role. */
    async activeAdminIds(db: Executor): Promise<string[]> {
      const rows = await db
        .selectFrom('users')
        .innerJoin('user_roles', 'user_roles.userId', 'users.id')
        .select('users.id')
        .where('user_roles.role', '=', 'admin')
        .where('users.status', '=', 'active')
        .execute();
      return rows.map((r) => r.id);
    },
  };
}

export type UserRepo = ReturnType<typeof createUserRepo>;
