import type { Kysely } from 'kysely';
import { withSerialId } from './helpers.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('lastLoginAt', 'bigint').execute();

  // One-time links: first-run setup, invitation, MFA reset. Only the SHA-256 of
  // the token is kept; the enrolment's progress (password hash, encrypted TOTP
  // secret) waits here until the code is confirmed, so a half-done enrolment
  // never changes an account.
  await db.schema
    .createTable('enrolment_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tokenHash', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('userId', 'text', (c) => c.references('users.id'))
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('passwordHash', 'text')
    .addColumn('totpSecret', 'text')
    .addColumn('confirmFailures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('createdBy', 'text', (c) => c.notNull())
    .addColumn('createdAt', 'bigint', (c) => c.notNull())
    .addColumn('expiresAt', 'bigint', (c) => c.notNull())
    .addColumn('usedAt', 'bigint')
    .execute();
  await db.schema
    .createIndex('enrolment_tokens_user')
    .on('enrolment_tokens')
    .columns(['userId', 'createdAt'])
    .execute();

  // Recovery codes: a keyed SHA-256 (HMAC) of each 80-bit code.
  await withSerialId(db, db.schema.createTable('recovery_codes'))
    .addColumn('userId', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('codeHash', 'text', (c) => c.notNull())
    .addColumn('createdAt', 'bigint', (c) => c.notNull())
    .addColumn('usedAt', 'bigint')
    .execute();
  await db.schema
    .createIndex('recovery_codes_user')
    .on('recovery_codes')
    .columns(['userId', 'codeHash'])
    .unique()
    .execute();

  // Failed-attempt counters and locks, per account (keyed by a hash of the
  // email, known or not) and per address. In the database so that every
  // instance sees the same counts.
  await db.schema
    .createTable('login_throttle')
    .addColumn('subject', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('firstFailureAt', 'bigint')
    .addColumn('lockedUntil', 'bigint')
    .addColumn('lockouts', 'integer', (c) => c.notNull())
    .addColumn('lastLockAt', 'bigint')
    .addColumn('updatedAt', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_throttle').execute();
  await db.schema.dropTable('recovery_codes').execute();
  await db.schema.dropTable('enrolment_tokens').execute();
  await db.schema.alterTable('users').dropColumn('lastLoginAt').execute();
}
