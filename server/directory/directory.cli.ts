// `npm run vigie -- directory import --kind staff FILE [--partial] [--dry-run]`
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { cliActor } from '../actor.ts';
import { CliExit, withServices } from '../cli/context.ts';
import { AppError } from '../errors.ts';
import type { ImportReport } from './directory.service.ts';
import { formatFromFilename } from './parse.ts';
import { DIRECTORY_KINDS, type DirectoryKind } from './records.ts';

export function formatReport(r: ImportReport): string {
  const lines = [
    `${r.filename ?? '(file)'} (${r.kind}, ${r.format}): ${r.total} row${r.total === 1 ? '' : 's'} — ${r.valid} valid (${r.created} new, ${r.updated} updated), ${r.rejected.length} refused${r.ignored ? `, ${r.ignored} FHIR resources of other types ignored` : ''}`,
  ];
  for (const row of r.rejected) lines.push(`  ${row.at}${row.id ? ` (${row.id})` : ''}: ${row.problems.join('; ')}`);
  if (r.committed)
    lines.push(
      r.rejected.length
        ? `Imported the ${r.valid} good rows; the ${r.rejected.length} refused rows were not imported.`
        : `Imported.`,
    );
  else
    lines.push(
      r.rejected.length && !r.partial
        ? 'Nothing was imported: fix the rows above, or add --partial to import the good rows.'
        : 'Nothing was written (dry run).',
    );
  return lines.join('\n');
}

export function registerDirectoryCommands(program: Command): void {
  const directory = program
    .command('directory')
    .description('the directory: staff, patients, care relationships, workstations');
  directory
    .command('import')
    .description('import a CSV or JSON file (or a FHIR R4 Bundle in .json); the format is told by the extension')
    .requiredOption('--kind <kind>', `what the file holds: ${DIRECTORY_KINDS.join(', ')}`)
    .option('--partial', 'import the good rows and report the others (default: refuse the file if any row is wrong)')
    .option('--dry-run', 'check the file and report, write nothing')
    .argument('<file>', 'the file to import')
    .action(async (file: string, opts: { kind: string; partial?: boolean; dryRun?: boolean }) => {
      if (!(DIRECTORY_KINDS as readonly string[]).includes(opts.kind))
        throw new CliExit(2, `--kind must be one of ${DIRECTORY_KINDS.join(', ')} (got "${opts.kind}")`);
      if (!fs.existsSync(file)) throw new CliExit(2, `No such file: ${file}`);
      let format: 'csv' | 'json';
      try {
        format = formatFromFilename(file);
      } catch (error) {
        throw new CliExit(2, (error as Error).message);
      }
      const content = fs.readFileSync(file, 'utf8');
      await withServices(async (services) => {
        try {
          const report = await services.directory.import(cliActor, {
            kind: opts.kind as DirectoryKind,
            format,
            filename: path.basename(file),
            content,
            partial: opts.partial,
            dryRun: opts.dryRun,
          });
          console.log(formatReport(report));
          if (report.rejected.length && !report.committed && !opts.dryRun) throw new CliExit(1, '');
        } catch (error) {
          const report = error instanceof AppError ? (error.details?.report as ImportReport | undefined) : undefined;
          if (report) throw new CliExit(1, formatReport(report));
          if (error instanceof AppError) throw new CliExit(1, error.message);
          throw error;
        }
      });
    });
}
