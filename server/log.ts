import winston from 'winston';
import type { Config } from './config.ts';

export type Logger = winston.Logger;

// Keys whose values never reach a log line, whatever their nesting.
const SECRET_KEYS = /pass(word)?$|secret|token|^code$|cookie|authorization|otp|recovery|patient|nir$/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    if (SECRET_KEYS.test(key)) info[key] = '[redacted]';
    else info[key] = redact(info[key]);
  }
  return info;
});

export function createLogger(
  config: Pick<Config, 'log'>,
  options: { silent?: boolean; stream?: NodeJS.WritableStream } = {},
): Logger {
  const format =
    config.log.format === 'json'
      ? winston.format.combine(
          winston.format.errors({ stack: true }),
          redactFormat(),
          winston.format.timestamp(),
          winston.format.json(),
        )
      : winston.format.combine(
          winston.format.errors({ stack: true }),
          redactFormat(),
          winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          winston.format.colorize(),
          winston.format.printf(({ timestamp, level, message, stack, ...rest }) => {
            const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
            return `${timestamp} ${level} ${message}${extra}${stack ? `\n${stack}` : ''}`;
          }),
        );
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console({ stderrLevels: ['error', 'warn'] });
  return winston.createLogger({ level: config.log.level, format, transports: [transport], silent: options.silent });
}
