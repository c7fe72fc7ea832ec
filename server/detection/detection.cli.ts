// `npm run vigie -- rules check` and `npm run vigie -- detector run`.
import path from 'node:path';
import type { Command } from 'commander';
import { CliExit, cliConfig, withServices } from '../cli/context.ts';
import { createDetectionRepo } from './detection.repo.ts';
import { createDetector } from './detector.job.ts';
import { loadRules, RulesError } from './rule-loader.ts';

export function registerDetectionCommands(program: Command): void {
  const rules = program.command('rules').description('detection rules (rules/*.yaml)');
  rules
    .command('check')
    .description('check every rule file as the server does at start, without starting')
    .option('--dir <dir>', 'the rules directory (default: VIGIE_RULES_DIR, ./rules)')
    .action((opts: { dir?: string }) => {
      const dir = opts.dir ? path.resolve(opts.dir) : cliConfig().rulesDir;
      try {
        const defs = loadRules(dir);
        console.log(`${defs.length} rules OK in ${path.relative(process.cwd(), dir) || dir}:`);
        for (const d of defs)
          console.log(`  ${d.source.id.padEnd(28)} ${d.source.severity.padEnd(9)} ${d.source.title.fr}`);
      } catch (error) {
        if (error instanceof RulesError) throw new CliExit(1, error.message);
        throw error;
      }
    });

  const detector = program
    .command('detector')
    .description('the detector (it runs inside the server unless VIGIE_DETECTOR=false)');
  detector
    .command('run')
    .description('run the detector over the committed events until it has caught up, then exit')
    .option('--batch-size <n>', 'events per transaction', '5000')
    .option('--snapshot-every <n>', 'snapshot the state after this many events', '50000')
    .action(async (opts: { batchSize: string; snapshotEvery: string }) => {
      await withServices(async (s) => {
        const d = createDetector(
          {
            db: s.db,
            dialect: s.store.dialect,
            repo: createDetectionRepo(),
            events: s.accessEvents,
            alerts: s.alerts,
            directory: s.directory,
            rules: s.rules,
            eventLog: s.eventLog,
            clock: s.clock,
            log: s.log,
          },
          { batchSize: Number(opts.batchSize), snapshotEvery: Number(opts.snapshotEvery) },
        );
        const started = Date.now();
        const n = await d.drain();
        await d.snapshot();
        const seconds = (Date.now() - started) / 1000;
        console.log(`processed ${n} events in ${seconds.toFixed(1)} s; cursor at ${d.cursor}`);
      });
    });
}
