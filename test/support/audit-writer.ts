// Starts test/support/audit-append-worker.ts as a child process and drives it.
import { spawn } from 'node:child_process';

export interface AppendWorker {
  /** Resolves once the worker has opened the database. */
  ready: Promise<void>;
  /** Tells it to start appending; resolves with its count and duration when done. */
  go(): Promise<{ count: number; ms: number }>;
}

export function startAppendWorker(
  env: Record<string, string>,
  count: number,
  inFlight: number,
  tag: string,
  pauseEvery = 0,
): AppendWorker {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/support/audit-append-worker.ts',
      String(count),
      String(inFlight),
      tag,
      String(pauseEvery),
    ],
    {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', VIGIE_LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (out.startsWith('ready\n')) resolve();
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`append worker exited (${code}) before it was ready: ${err}`)));
  });
  return {
    ready,
    async go() {
      child.stdin.write('go\n');
      const code = await exited;
      if (code !== 0) throw new Error(`append worker failed (${code}): ${err}`);
      return JSON.parse(out.trim().split('\n').at(-1)!) as { count: number; ms: number };
    },
  };
}
