// `npm run vigie -- user …`: create a user and print their enrolment link,
// list users, disable one. Shares the server's configuration and database.
import type { Command } from 'commander';
import { cliActor } from '../actor.ts';
import { CliExit, withServices } from '../cli/context.ts';
import { AppError } from '../errors.ts';
import { isRole, ROLES, type Role } from './permissions.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function fail(error: unknown): never {
  if (error instanceof AppError) throw new CliExit(1, `vigie: ${error.message}`);
  throw error;
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('user accounts');

  user
    .command('create')
    .description('create a user and print the one-time enrolment link (password + TOTP)')
    .requiredOption('--email <email>', 'email address (the login)')
    .requiredOption('--role <role>', `role, repeat for several: ${ROLES.join(', ')}`, collect)
    .option('--name <name>', 'display name (default: from the email)')
    .action(async (opts: { email: string; role: string[]; name?: string }) => {
      const bad = opts.role.filter((r) => !isRole(r));
      if (bad.length) throw new CliExit(2, `vigie: unknown role ${bad.join(', ')} (known: ${ROLES.join(', ')})`);
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(opts.email))
        throw new CliExit(2, `vigie: --email ${JSON.stringify(opts.email)} is not an email address`);
      const name = opts.name?.trim() || opts.email.split('@')[0]!;
      await withServices(async (services) => {
        const created = await services.userAdmin
          .invite(cliActor, { email: opts.email, name, roles: opts.role as Role[] })
          .catch(fail);
        process.stderr.write(
          `user ${opts.email} created (${[...new Set(opts.role)].join(', ')}); the link is valid until ${new Date(created.link.expiresAt).toISOString()}:\n`,
        );
        console.log(created.link.url);
      });
    });

  user
    .command('list')
    .description('list users: email, status, roles, MFA, last login')
    .action(async () => {
      await withServices(async (services) => {
        for (const u of await services.userAdmin.list()) {
          const last = u.lastLoginAt ? new Date(u.lastLoginAt).toISOString() : 'never';
          console.log(
            [
              u.email.padEnd(32),
              u.status.padEnd(8),
              u.roles.join(',').padEnd(28),
              (u.mfaEnrolled ? 'mfa' : 'no-mfa').padEnd(6),
              last,
              u.lockedUntil ? 'locked' : '',
            ]
              .join(' ')
              .trimEnd(),
          );
        }
      });
    });

  user
    .command('disable')
    .description('disable a user: their sessions end at once')
    .requiredOption('--email <email>', 'email address')
    .action(async (opts: { email: string }) => {
      await withServices(async (services) => {
        const target = await services.users.findByEmail(services.db, opts.email);
        if (!target) throw new CliExit(1, `vigie: no user ${opts.email}`);
        const { endedSessionIds } = await services.userAdmin.disable(cliActor, target.id).catch(fail);
        console.log(`${opts.email} disabled; ${endedSessionIds.length} session(s) ended`);
      });
    });
}
