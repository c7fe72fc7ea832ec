// The operator CLI: `npm run vigie -- <command>`. Modules add their commands
// in <module>/<module>.cli.ts and are registered here.
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from './audit/audit.cli.ts';
import { registerUserCommands } from './auth/auth.cli.ts';
import { CliExit, cliConfig } from './cli/context.ts';
import { configVariables } from './config.ts';
import { registerDetectionCommands } from './detection/detection.cli.ts';
import { registerDirectoryCommands } from './directory/directory.cli.ts';
import { registerIngestCommands } from './ingest/ingest.cli.ts';
import { serve } from './serve.ts';
import { registerSimulateCommand } from './simulator/simulate.cli.ts';
import { openStore } from './store/db.ts';
import { migrateToLatest, migrationStatus } from './store/migrate.ts';

export function buildProgram(): Command {
  const program = new Command('vigie')
    .description('Vigie operator commands (they share the server configuration: VIGIE_* variables)')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('run the server in this process (what a supervisor should start: it receives SIGTERM itself)')
    .option('--no-build', 'do not check that the console build is up to date')
    // Resolves once listening; the process then runs until a signal stops it (serve() exits it).
    .action((opts: { build: boolean }) => serve({ build: opts.build }));

  program
    .command('migrate')
    .description('bring the database schema up to date')
    .option('--status', 'list migrations and when they ran, change nothing')
    .action(async (opts: { status?: boolean }) => {
      const config = cliConfig();
      const store = openStore(config.database);
      try {
        if (opts.status) {
          for (const m of await migrationStatus(store.db)) {
            console.log(`${m.executedAt ? m.executedAt.toISOString() : 'pending'.padEnd(24)}  ${m.name}`);
          }
          return;
        }
        const applied = await migrateToLatest(store.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await store.close();
      }
    });

  program
    .command('config')
    .description('print the effective configuration (secrets hidden) and the variables that set it')
    .option('--variables', 'list every VIGIE_* variable with its default')
    .action((opts: { variables?: boolean }) => {
      if (opts.variables) {
        for (const v of configVariables)
          console.log(`${v.name.padEnd(34)} ${String(v.default ?? '(unset)').padEnd(12)} ${v.doc}`);
        return;
      }
      const config = cliConfig();
      console.log(
        JSON.stringify(
          { ...config, secretKey: config.secretKey ? '(set)' : '(generated in the data directory)' },
          null,
          2,
        ),
      );
    });

  // Module commands: register<Module>Commands(program) from <module>/<module>.cli.ts.
  registerAuditCommands(program);
  registerUserCommands(program);
  registerDirectoryCommands(program);
  registerDetectionCommands(program);
  registerSimulateCommand(program);
  registerIngestCommands(program);

  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliExit) {
      if (error.message) process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`vigie: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCli(process.argv.slice(2));
}
