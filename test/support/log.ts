import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../server/log.ts';

/** A logger writing JSON lines to memory, so tests can read (and search) what was logged. */
export function captureLogger(level = 'debug'): { log: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ log: { level: level as 'debug', format: 'json' } }, { stream });
  return { log, lines, text: () => lines.join('') };
}
