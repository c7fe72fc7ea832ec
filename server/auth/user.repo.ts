import type { Executor } from '../store/db.ts';
import type { UsersTable } from './auth.tables.ts';
import type { Role } from './permissions.ts';

export type UserRow = UsersTable;
const COLUMNS = ['id', 'email', 'name', 'status', 'passwordHash', 'totpSecret', 'totpLastStep', 'locale', 'createdAt', 'updatedAt'] as const;

export function createUserRepo() {
  return {
    async findById(db: Executor, id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    },
    async findByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').select(COLUMNS).where('email', '=', email.toLowerCase()).executeTakeFirst();
    },
    async rolesOf(db: Executor, userId: string): Promise<Role[]> {
      const rows = await db.selectFrom('user_roles').select('role').where('userId', '=', userId).orderBy('role').execute();
      return rows.map((r) => r.role);
    },
    async insert(db: Executor, user: UserRow, roles: readonly Role[]): Promise<void> {
      await db.insertInto('users').values({ ...user, email: user.email.toLowerCase() }).execute();
      if (roles.length) await db.insertInto('user_roles').values(roles.map((role) => ({ userId: user.id, role }))).execute();
    },
    async update(db: Executor, id: string, patch: Partial<Omit<UserRow, 'id' | 'createdAt'>>): Promise<void> {
      await db.updateTable('users').set(patch).where('id', '=', id).execute();
    },
    async setRoles(db: Executor, userId: string, roles: readonly Role[]): Promise<void> {
      await db.deleteFrom('user_roles').where('userId', '=', userId).execute();
      if (roles.length) await db.insertInto('user_roles').values(roles.map((role) => ({ userId, role }))).execute();
    },
    async count(db: Executor): Promise<number> {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type UserRepo = ReturnType<typeof createUserRepo>;
