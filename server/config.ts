// The only file that reads process.env. Every setting is a VIGIE_* variable,
// validated here once; a bad value stops the start with a message naming it.
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const int = (min: number, max: number, what = `an integer between ${min} and ${max}`) =>
  z.string().trim().regex(/^\d+$/, what).transform(Number).pipe(z.number().int().min(min, what).max(max, what));

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(v), 'true or false')
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const url = (protocols: string[], what: string) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, what);

/**
 * Express's "trust proxy": false; a hop count (the number of proxies in front
 * of Vigie: the address is the one the outermost of them saw); or the proxies'
 * addresses or subnets (or Express's names loopback, linklocal, uniquelocal).
 * `true` trusts any X-Forwarded-For, forged ones too: allowed, warned at start.
 */
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const isProxyAddress = (entry: string) => {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const family = net.isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};
const trustProxy = z
  .string()
  .trim()
  .min(1, 'false, true, a hop count or a comma-separated list of addresses')
  .transform((v, ctx): boolean | number | string[] => {
    const lower = v.toLowerCase();
    if (lower === 'false' || lower === '0') return false;
    if (lower === 'true') return true;
    if (/^\d+$/.test(v)) return Number(v);
    const entries = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = entries.find((e) => !isProxyAddress(e));
    if (bad !== undefined || !entries.length) {
      ctx.addIssue({
        code: 'custom',
        message: `false, a hop count, or the proxies' addresses or subnets, comma-separated (${JSON.stringify(bad ?? v)} is none of these)`,
      });
      return z.NEVER;
    }
    return entries;
  });

/** 32 bytes, written as 64 hex digits or base64. */
const secretKey = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const buf = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
    if (
      buf.length !== 32 ||
      (!/^[0-9a-fA-F]{64}$/.test(v) && buf.toString('base64').replace(/=+$/, '') !== v.replace(/=+$/, ''))
    ) {
      ctx.addIssue({
        code: 'custom',
        message: '32 random bytes written as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)',
      });
      return z.NEVER;
    }
    return buf;
  });

const logLevel = z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'], {
  error: 'one of error, warn, info, http, verbose, debug, silly',
});

/**
 * Each variable with its schema, default and the text shown in the README.
 * `undefined` default means "unset unless given".
 */
const variables = {
  VIGIE_PORT: { schema: int(0, 65535), default: '3000', doc: 'HTTP port' },
  VIGIE_HOST: {
    schema: z.string().trim().min(1, 'a host name or address'),
    default: '0.0.0.0',
    doc: 'address to listen on',
  },
  VIGIE_DATA_DIR: {
    schema: z.string().trim().min(1, 'a directory path'),
    default: './data',
    doc: 'data directory (SQLite file, generated keys, audit seals)',
  },
  VIGIE_DATABASE_URL: {
    schema: url(['postgres:', 'postgresql:'], 'a postgres:// URL (leave unset for the embedded SQLite database)'),
    default: undefined,
    doc: 'PostgreSQL URL; unset = SQLite in the data directory',
  },
  VIGIE_DATABASE_POOL_SIZE: { schema: int(1, 200), default: '10', doc: 'PostgreSQL pool size' },
  VIGIE_DATABASE_CONNECT_TIMEOUT_MS: {
    schema: int(100, 120000),
    default: '5000',
    doc: 'how long a new PostgreSQL connection may take; beyond, the request fails with 503 database.unavailable',
  },
  VIGIE_SECRET_KEY: {
    schema: secretKey,
    default: undefined,
    doc: 'key for secrets at rest (64 hex digits); unset = generated into the data directory',
  },
  VIGIE_REDIS_URL: {
    schema: url(['redis:', 'rediss:'], 'a redis:// or rediss:// URL'),
    default: undefined,
    doc: 'Redis URL for several instances (Socket.IO adapter)',
  },
  VIGIE_LOG_LEVEL: { schema: logLevel, default: 'info', doc: 'log level' },
  VIGIE_LOG_FORMAT: {
    schema: z.enum(['json', 'pretty'], { error: 'json or pretty' }),
    default: undefined,
    doc: 'json in production, pretty otherwise',
  },
  VIGIE_PUBLIC_URL: {
    schema: url(['http:', 'https:'], 'an http:// or https:// URL'),
    default: undefined,
    doc: 'public origin of the console; http://localhost:PORT when unset',
  },
  VIGIE_TRUST_PROXY: {
    schema: trustProxy,
    default: 'false',
    doc: "whose X-Forwarded-For to believe: false, the number of proxies in front (1 = one reverse proxy), or the proxies' addresses/subnets, comma-separated; true believes anyone (warned at start)",
  },
  VIGIE_SHUTDOWN_TIMEOUT_MS: {
    schema: int(0, 600000),
    default: '10000',
    doc: 'how long in-flight requests may finish at shutdown',
  },
  VIGIE_SESSION_IDLE_MINUTES: { schema: int(1, 1440), default: '30', doc: 'session idle timeout' },
  VIGIE_SESSION_ABSOLUTE_HOURS: { schema: int(1, 168), default: '12', doc: 'session absolute timeout' },
  VIGIE_LOGIN_ADDRESS_MAX_FAILURES: {
    schema: int(5, 10000),
    default: '30',
    doc: 'failed login or enrolment attempts from one address in 15 min before it is locked (raise it when many users share one address)',
  },
  VIGIE_PATIENT_SEARCH_LIMIT: {
    schema: int(1, 10000),
    default: '30',
    doc: 'access-log searches by a clear patient identifier (each audited like a reveal, with its reason) one user may make per hour; beyond, 429 with Retry-After',
  },
  VIGIE_AUDIT_SEAL_INTERVAL_SECONDS: {
    schema: int(1, 86400),
    default: '300',
    doc: 'how often the audit head is sealed',
  },
  VIGIE_SYSLOG_PORT: {
    schema: int(0, 65535),
    default: undefined,
    doc: 'syslog port (TCP and UDP); unset = no syslog listener',
  },
  VIGIE_SYSLOG_HOST: {
    schema: z.string().trim().min(1, 'a host name or address'),
    default: '0.0.0.0',
    doc: 'syslog listen address',
  },
  VIGIE_SYSLOG_UDP_BUFFER_BYTES: {
    schema: int(4096, 1024 * 1024 * 1024),
    default: String(8 * 1024 * 1024),
    doc: 'receive buffer asked for the syslog UDP socket (bursts); the kernel caps it at net.core.rmem_max',
  },
  VIGIE_INGEST_MAX_BYTES: {
    schema: int(1024, 1024 * 1024 * 1024),
    default: String(10 * 1024 * 1024),
    doc: 'largest ingest request body',
  },
  VIGIE_INGEST_QUEUE_BATCHES: {
    schema: int(1, 1000),
    default: '8',
    doc: 'ingest batches that may wait for the writer; beyond, 503 with Retry-After',
  },
  VIGIE_INGEST_BODY_TIMEOUT_SECONDS: {
    schema: int(1, 3600),
    default: '60',
    doc: 'how long an ingest request body may take to arrive; beyond, 408 ingest.body_timeout and the connection is closed',
  },
  VIGIE_INGEST_WRITER_THREAD: {
    schema: bool,
    default: 'true',
    doc: 'SQLite database file: commit ingest batches in a writer thread, off the event loop (false: on the main thread; PostgreSQL always commits from the main thread)',
  },
  VIGIE_INGEST_FUTURE_TOLERANCE_MINUTES: {
    schema: int(0, 10080),
    default: '60',
    doc: "how far ahead of Vigie's clock an event or alert time may be; later ones are refused (a sender's clock or time zone is wrong)",
  },
  VIGIE_RETENTION_DAYS: {
    schema: int(183, 3650, 'a number of days between 183 (the six-month floor of CSP R.6113-9-2) and 3650'),
    default: '365',
    doc: 'access events older than this are purged (at least 183)',
  },
  VIGIE_RULES_DIR: {
    schema: z.string().trim().min(1, 'a directory path'),
    default: './rules',
    doc: 'detection rules directory',
  },
  VIGIE_DETECTOR: { schema: bool, default: 'true', doc: 'run the detector in this instance' },
  VIGIE_DIRECTORY_IMPORT_MAX_BYTES: {
    schema: int(1024, 1024 * 1024 * 1024),
    default: String(64 * 1024 * 1024),
    doc: 'largest directory import file (admin screen upload)',
  },
} as const;

type Vars = typeof variables;
type Parsed<K extends keyof Vars> = z.output<Vars[K]['schema']>;

export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  dataDir: string;
  database:
    { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; poolSize: number; connectTimeoutMs: number };
  secretKey: Buffer | undefined;
  redisUrl: string | undefined;
  log: { level: Parsed<'VIGIE_LOG_LEVEL'>; format: 'json' | 'pretty' };
  publicUrl: string;
  publicOrigin: string;
  secureCookies: boolean;
  trustProxy: boolean | number | string[];
  shutdownTimeoutMs: number;
  session: { idleMs: number; absoluteMs: number };
  login: { addressMaxFailures: number };
  /** Searches by clear patient identifier per user and window (server/ingest/explorer/patient-search.ts). */
  patientSearch: { limit: number; windowMs: number };
  audit: { sealIntervalMs: number };
  syslog: { port: number; host: string; udpBufferBytes: number } | undefined;
  ingest: {
    maxBytes: number;
    queueBatches: number;
    bodyTimeoutSeconds: number;
    writerThread: boolean;
    futureToleranceMinutes: number;
  };
  retentionDays: number;
  rulesDir: string;
  detector: boolean;
  directoryImportMaxBytes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Documentation of every variable, for the README and `vigie config`. */
export const configVariables = Object.entries(variables).map(([name, v]) => ({ name, default: v.default, doc: v.doc }));

export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(variables)) {
    const given = env[name];
    const raw = given === undefined || given === '' ? spec.default : given;
    if (raw === undefined) {
      values[name] = undefined;
      continue;
    }
    const result = (spec.schema as z.ZodType).safeParse(raw);
    if (result.success) values[name] = result.data;
    else
      problems.push(`${name}=${JSON.stringify(given)}: expected ${result.error.issues[0]?.message ?? 'a valid value'}`);
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith('VIGIE_') && !(name in variables) && !name.startsWith('VIGIE_TEST_')) {
      problems.push(`${name}: unknown variable (known: ${Object.keys(variables).join(', ')})`);
    }
  }
  if (problems.length) throw new ConfigError(problems);

  const v = values as { [K in keyof Vars]: Parsed<K> | undefined };
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const port = v.VIGIE_PORT as number;
  const publicUrl = (v.VIGIE_PUBLIC_URL as string | undefined) ?? `http://localhost:${port}`;
  const dataDir = path.resolve(v.VIGIE_DATA_DIR as string);
  const config: Config = {
    env: nodeEnv,
    port,
    host: v.VIGIE_HOST as string,
    dataDir,
    database: v.VIGIE_DATABASE_URL
      ? {
          kind: 'postgres',
          url: v.VIGIE_DATABASE_URL as string,
          poolSize: v.VIGIE_DATABASE_POOL_SIZE as number,
          connectTimeoutMs: v.VIGIE_DATABASE_CONNECT_TIMEOUT_MS as number,
        }
      : { kind: 'sqlite', file: path.join(dataDir, 'vigie.db') },
    secretKey: v.VIGIE_SECRET_KEY as Buffer | undefined,
    redisUrl: v.VIGIE_REDIS_URL as string | undefined,
    log: {
      level: v.VIGIE_LOG_LEVEL as Parsed<'VIGIE_LOG_LEVEL'>,
      format: (v.VIGIE_LOG_FORMAT as 'json' | 'pretty' | undefined) ?? (nodeEnv === 'production' ? 'json' : 'pretty'),
    },
    publicUrl,
    publicOrigin: new URL(publicUrl).origin,
    secureCookies: new URL(publicUrl).protocol === 'https:',
    trustProxy: v.VIGIE_TRUST_PROXY as boolean | number | string[],
    shutdownTimeoutMs: v.VIGIE_SHUTDOWN_TIMEOUT_MS as number,
    session: {
      idleMs: (v.VIGIE_SESSION_IDLE_MINUTES as number) * 60_000,
      absoluteMs: (v.VIGIE_SESSION_ABSOLUTE_HOURS as number) * 3_600_000,
    },
    login: { addressMaxFailures: v.VIGIE_LOGIN_ADDRESS_MAX_FAILURES as number },
    patientSearch: { limit: v.VIGIE_PATIENT_SEARCH_LIMIT as number, windowMs: 3_600_000 },
    audit: { sealIntervalMs: (v.VIGIE_AUDIT_SEAL_INTERVAL_SECONDS as number) * 1000 },
    syslog:
      v.VIGIE_SYSLOG_PORT === undefined
        ? undefined
        : {
            port: v.VIGIE_SYSLOG_PORT as number,
            host: v.VIGIE_SYSLOG_HOST as string,
            udpBufferBytes: v.VIGIE_SYSLOG_UDP_BUFFER_BYTES as number,
          },
    ingest: {
      maxBytes: v.VIGIE_INGEST_MAX_BYTES as number,
      queueBatches: v.VIGIE_INGEST_QUEUE_BATCHES as number,
      bodyTimeoutSeconds: v.VIGIE_INGEST_BODY_TIMEOUT_SECONDS as number,
      writerThread: v.VIGIE_INGEST_WRITER_THREAD as boolean,
      futureToleranceMinutes: v.VIGIE_INGEST_FUTURE_TOLERANCE_MINUTES as number,
    },
    retentionDays: v.VIGIE_RETENTION_DAYS as number,
    rulesDir: path.resolve(v.VIGIE_RULES_DIR as string),
    detector: v.VIGIE_DETECTOR as boolean,
    directoryImportMaxBytes: v.VIGIE_DIRECTORY_IMPORT_MAX_BYTES as number,
  };
  return deepFreeze(config);
}

/** What an operator should hear at start about a configuration that is allowed but unsafe. */
export function configWarnings(config: Pick<Config, 'trustProxy'>): string[] {
  const warnings: string[] = [];
  if (config.trustProxy === true) {
    warnings.push(
      'VIGIE_TRUST_PROXY=true believes any X-Forwarded-For header, so a client can forge its address (address locks, audit): set the number of proxies in front of Vigie, or their addresses',
    );
  }
  return warnings;
}

/** Test settings come from VIGIE_TEST_* variables; read here so that no other file touches process.env. */
export function testEnvironment(env: Record<string, string | undefined> = process.env) {
  return {
    databaseUrl: env.VIGIE_TEST_DATABASE_URL || undefined,
    redisUrl: env.VIGIE_TEST_REDIS_URL || undefined,
    chromium: env.VIGIE_TEST_CHROMIUM || '/usr/bin/chromium',
  };
}

function deepFreeze<T>(o: T): Readonly<T> {
  if (o && typeof o === 'object' && !Buffer.isBuffer(o)) {
    for (const value of Object.values(o)) deepFreeze(value);
    Object.freeze(o);
  }
  return o;
}
