// `npm run vigie -- simulate --staff 300 --patients 20000 --days 30 --seed 42 --out DIR`
// `npm run vigie -- simulate … --post URL --token T --rate 500` replays the events live.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliExit } from '../cli/context.ts';
import { simulate } from './simulate.ts';

const int = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliExit(2, `--${name} must be an integer between ${min} and ${max} (got "${value}")`);
  return n;
};

export interface ReplayOptions {
  url: string;
  token: string;
  rate: number;
  /** Called after each acknowledged batch with its lines and when the answer came. */
  onAck?: (lines: string[], ackAt: number) => void;
  log?: (message: string) => void;
}

/** The ingest endpoint of a Vigie base URL (a full endpoint URL is kept as it is). */
export function ingestUrl(url: string): string {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/api/v1/ingest/events';
  return u.toString();
}

/** Posts NDJSON lines at `rate` events per second in batches every 100 ms; resolves when all are acknowledged. */
export async function replay(lines: string[], options: ReplayOptions): Promise<{ sent: number; refused: number }> {
  const endpoint = ingestUrl(options.url);
  const perTick = Math.max(1, Math.round(options.rate / 10));
  const started = performance.now();
  let sent = 0;
  let refused = 0;
  let lastReport = started;
  for (let i = 0; i < lines.length; i += perTick) {
    const batch = lines.slice(i, i + perTick);
    const due = started + (i / options.rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/x-ndjson' },
      body: batch.join('\n') + '\n',
    });
    const ackAt = performance.now();
    const text = await response.text();
    if (response.status === 401 || response.status === 403)
      throw new CliExit(1, `The ingest endpoint refused the token (${response.status}): ${text.slice(0, 300)}`);
    if (!response.ok && response.status !== 207) {
      refused += batch.length;
      options.log?.(`batch at line ${i + 1}: HTTP ${response.status} ${text.slice(0, 300)}`);
      continue;
    }
    try {
      const body = JSON.parse(text) as { rejected?: unknown[]; refused?: unknown[] };
      refused += (body.rejected ?? body.refused ?? []).length;
    } catch {
      /* an answer without a body: all accepted */
    }
    sent += batch.length;
    options.onAck?.(batch, ackAt);
    if (ackAt - lastReport > 5000) {
      lastReport = ackAt;
      options.log?.(`${sent} of ${lines.length} events sent (${Math.round((sent / (ackAt - started)) * 1000)}/s)`);
    }
  }
  return { sent, refused };
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'write a simulated month of a clinic (directory files, access events, ground truth); or replay it live to a Vigie',
    )
    .option('--staff <n>', 'members of staff', int('staff', 10, 20000), 300)
    .option('--patients <n>', 'patients', int('patients', 100, 2_000_000), 20000)
    .option('--days <n>', 'days simulated', int('days', 1, 366), 30)
    .option('--seed <n>', 'seed: the same seed gives the same files', int('seed', 0, 2 ** 31), 42)
    .option('--start <date>', 'first day (YYYY-MM-DD, Europe/Paris)', '2026-03-02')
    .option(
      '--out <dir>',
      'write staff.csv, patients.csv, encounters.csv, assignments.csv, workstations.csv, events.ndjson, truth.json here',
    )
    .option('--from <dir>', 'replay the events.ndjson of an earlier --out instead of generating')
    .option('--post <url>', 'replay the events to this Vigie (its base URL or the ingest endpoint)')
    .option('--token <token>', 'the ingest token (npm run vigie -- source create)')
    .option('--rate <n>', 'events per second when replaying', int('rate', 1, 100000), 500)
    .option('--limit <n>', 'replay only the first n events', int('limit', 1, 100_000_000))
    .action(
      async (opts: {
        staff: number;
        patients: number;
        days: number;
        seed: number;
        start: string;
        out?: string;
        from?: string;
        post?: string;
        token?: string;
        rate: number;
        limit?: number;
      }) => {
        if (!opts.out && !opts.post)
          throw new CliExit(2, 'Say where the month goes: --out DIR (files) and/or --post URL --token T (live replay)');
        if (opts.post && !opts.token)
          throw new CliExit(2, '--post needs --token (create one with: npm run vigie -- source create)');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.start)) throw new CliExit(2, '--start must be a date written YYYY-MM-DD');
        let lines: string[];
        if (opts.from) {
          const file = path.join(opts.from, 'events.ndjson');
          if (!fs.existsSync(file)) throw new CliExit(2, `No events.ndjson in ${opts.from}`);
          lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
        } else {
          const started = Date.now();
          const sim = simulate({
            staff: opts.staff,
            patients: opts.patients,
            days: opts.days,
            seed: opts.seed,
            start: opts.start,
          });
          lines = sim.files['events.ndjson']!.split('\n').filter(Boolean);
          if (opts.out) {
            fs.mkdirSync(opts.out, { recursive: true });
            for (const [name, content] of Object.entries(sim.files))
              fs.writeFileSync(path.join(opts.out, name), content);
          }
          const per = new Map<string, number>();
          for (const i of sim.incidents) per.set(i.rule, (per.get(i.rule) ?? 0) + 1);
          process.stderr.write(
            `simulated ${opts.days} days: ${opts.staff} staff, ${opts.patients} patients, ${sim.events} events, ${sim.incidents.length} injected incidents (${[...per].map(([r, n]) => `${r} ${n}`).join(', ')}) in ${((Date.now() - started) / 1000).toFixed(1)} s${opts.out ? `; files in ${opts.out}` : ''}\n`,
          );
        }
        if (opts.post) {
          if (opts.limit) lines = lines.slice(0, opts.limit);
          process.stderr.write(`replaying ${lines.length} events to ${ingestUrl(opts.post)} at ${opts.rate}/s\n`);
          const r = await replay(lines, {
            url: opts.post,
            token: opts.token!,
            rate: opts.rate,
            log: (m) => process.stderr.write(`${m}\n`),
          });
          process.stderr.write(`done: ${r.sent} events acknowledged, ${r.refused} refused\n`);
          if (r.refused) throw new CliExit(1, '');
        }
      },
    );
}
