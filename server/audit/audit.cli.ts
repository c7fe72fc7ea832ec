// `vigie audit verify [--json]`: exit 0 when the trail is intact, 1 when it is
// not (so that a cron job can alert), naming the first broken entry.
// `vigie audit seal`: seal the head now (before a backup, say).
import type { Command } from 'commander';
import { CliExit, withServices } from '../cli/context.ts';
import { parisIso } from './export-formats.ts';
import type { VerifyAnswer } from './verifier.service.ts';

const KIND_LABEL: Record<string, string> = {
  edited: 'edited',
  removed: 'removed',
  inserted: 'inserted',
  reordered: 'reordered',
  truncated: 'truncated',
  rewritten: 'rewritten',
  seal_invalid: 'bad seal',
};

export function formatVerifyAnswer(answer: VerifyAnswer, sealFile: string): string {
  const lines: string[] = [];
  if (answer.status === 'intact') {
    lines.push(
      `Audit trail intact: ${answer.count.toLocaleString('en-US')} entries, head #${answer.head.seq} ${answer.head.hash}`,
    );
  } else {
    const p = answer.problem;
    lines.push(
      `Audit trail BROKEN${p.seq === null ? '' : ` at entry #${p.seq}`} (${KIND_LABEL[p.kind] ?? p.kind}): ${p.message}`,
    );
  }
  const s = answer.seals;
  lines.push(
    s.last
      ? `Seals: ${s.count} valid in ${sealFile}, the last of #${s.last.seq} at ${parisIso(s.last.at)}`
      : `Seals: none yet in ${sealFile}`,
  );
  for (const p of s.problems) lines.push(`  ${p.message}`);
  lines.push(`Checked in ${(answer.durationMs / 1000).toFixed(1)} s.`);
  return lines.join('\n');
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit trail');

  audit
    .command('verify')
    .description('walk the whole chain and the seals; exit 0 when intact, 1 when broken (naming the entry)')
    .option('--json', 'print the answer as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { answer, file } = await withServices(async (services) => ({
        answer: await services.auditVerifier.verify(),
        file: services.auditSealer.file,
      }));
      console.log(opts.json ? JSON.stringify(answer, null, 2) : formatVerifyAnswer(answer, file));
      if (answer.status !== 'intact') throw new CliExit(1, '');
    });

  audit
    .command('seal')
    .description('sign the head of the chain into the seal file now')
    .action(async () => {
      const seal = await withServices((services) => services.auditSealer.sealNow({ force: true }));
      if (seal) console.log(`Sealed #${seal.seq} ${seal.hash} at ${parisIso(seal.at)}`);
    });
}
