// Operator commands: `vigie source create|list`, `vigie events purge`.
import type { Command } from 'commander';
import { cliActor } from '../actor.ts';
import { CliExit, withServices } from '../cli/context.ts';
import { AppError } from '../errors.ts';
import { SOURCE_KINDS, type SourceKind } from './ingest.tables.ts';

function iso(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toISOString();
}

async function appErrorsExit<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError) throw new CliExit(error.status === 404 ? 3 : 1, `vigie: ${error.message}`);
    throw error;
  }
}

export function registerIngestCommands(program: Command): void {
  const source = program.command('source').description('ingest sources and their tokens');

  source
    .command('create')
    .description('create a source and print its bearer token (shown once)')
    .requiredOption('--name <name>', 'a name the admins recognise, e.g. "DxCare production"')
    .requiredOption('--kind <kind>', `one of ${SOURCE_KINDS.join(', ')}`)
    .option('--allow <addresses>', 'comma-separated addresses or CIDR ranges allowed to send syslog')
    .action(async (opts: { name: string; kind: string; allow?: string }) => {
      if (!(SOURCE_KINDS as readonly string[]).includes(opts.kind))
        throw new CliExit(2, `vigie: --kind must be one of ${SOURCE_KINDS.join(', ')}`);
      const allowedAddresses = opts.allow
        ? opts.allow
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean)
        : [];
      const { source: s, token } = await withServices((services) =>
        appErrorsExit(() =>
          services.sources.create(cliActor, {
            name: opts.name.trim(),
            kind: opts.kind as SourceKind,
            allowedAddresses,
          }),
        ),
      );
      process.stderr.write(
        `source "${s.name}" (${s.kind}) created with id ${s.id}\nits token, shown once (keep it in the sender's secret store):\n`,
      );
      console.log(token);
    });

  source
    .command('list')
    .description('list sources: kind, state, token prefix, last seen, counts today, last error')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const items = await withServices((services) => services.sources.list());
      if (opts.json) return console.log(JSON.stringify(items, null, 2));
      if (!items.length) return console.log('no source yet: vigie source create --name N --kind K');
      for (const s of items) {
        const state = s.revoked ? 'revoked' : s.enabled ? 'enabled' : 'disabled';
        console.log(`${s.name}  [${s.kind}, ${state}]  id ${s.id}  token ${s.tokenPrefix}…`);
        console.log(
          `    last seen ${iso(s.lastSeenAt)}  today: ${s.today.accepted} accepted, ${s.today.refused} refused${s.today.skipped ? `, ${s.today.skipped} skipped` : ''}${s.today.dropped ? `, ${s.today.dropped} dropped (UDP)` : ''}${s.allowedAddresses.length ? `  syslog from ${s.allowedAddresses.join(', ')}` : ''}`,
        );
        if (s.lastError) console.log(`    last error (${iso(s.lastErrorAt)}): ${s.lastError}`);
      }
    });

  const events = program.command('events').description('the access-event log');
  events
    .command('purge')
    .description('purge access events older than VIGIE_RETENTION_DAYS now (the daily job does it too)')
    .action(async () => {
      const r = await withServices((services) => services.retention.run({ kind: 'cli' }));
      console.log(
        `purged ${r.events} access event(s) older than ${new Date(r.cutoff).toISOString()} (${r.retentionDays} days), ${r.systemEvents} system event(s), ${r.idempotencyKeys} idempotency key(s)`,
      );
    });
}
