// The syslog listener (a BackgroundJob): TCP (octet counting or newline
// framing) and UDP on VIGIE_SYSLOG_PORT, from the addresses an admin allowed
// per source. Lines are batched per source (up to 1,000 lines or one
// second: each batch is one audit entry) and committed through the same
// writer as HTTP batches. Syslog has no
// acknowledgement: when the writer is saturated, TCP senders are paused
// (back-pressure through TCP flow control); UDP lines beyond a bounded
// backlog are dropped and counted as refused — the nature of UDP.
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { Logger } from '../../log.ts';
import type { BackgroundJob } from '../../services.ts';
import type { ValidAccessEvent } from '../access-event.validate.ts';
import { unwrapMapped } from '../address-list.ts';
import type { IngestService, Refusal } from '../ingest.service.ts';
import type { SourceRow } from '../sources.repo.ts';
import type { SourcesService } from '../sources.service.ts';
import type { NewSystemEventRow } from '../system-events.repo.ts';
import type { ToolAlert } from '../tools/tool-alert.ts';
import { FrameDecoder } from './syslog.framing.ts';
import type { FutureLimit } from '../iso-time.ts';
import { readSyslogLine } from './syslog.mapper.ts';

const MAX_ATTEMPTS = 5;

/** A frame as text; U+0000 (which PostgreSQL text cannot hold) becomes U+FFFD. */
function frameText(frame: Buffer, end = frame.length): string {
  const text = frame.toString('utf8', 0, end);
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

export interface SyslogOptions {
  port: number;
  host: string;
  /** Largest frame kept (bytes); longer ones are skipped and counted. */
  maxFrame?: number;
  flushMs?: number;
  batchLines?: number;
  /** Lines waiting per source beyond which TCP senders pause and UDP lines are dropped. */
  backlogLines?: number;
  /** A connection silent this long is closed. */
  idleMs?: number;
}

interface Batch {
  source: SourceRow;
  lines: { raw: string; peer: string }[];
  /** Consecutive failed commits of the head of the backlog. */
  failures: number;
  timer?: NodeJS.Timeout;
  flushing: boolean;
  paused: Set<net.Socket>;
  dropped: number;
}

export interface SyslogListener extends BackgroundJob {
  /** The bound ports (after start), for tests and the log. */
  ports(): { tcp: number; udp: number };
  /** Resolves when every line received so far is committed. */
  drain(): Promise<void>;
}

export function createSyslogListener(deps: { sources: SourcesService; ingest: IngestService; log: Logger; options: SyslogOptions; futureLimit?: () => FutureLimit }): SyslogListener {
  const { sources, ingest, log } = deps;
  const o = { maxFrame: 64 * 1024, flushMs: 1000, batchLines: 1000, backlogLines: 20_000, idleMs: 300_000, ...deps.options };
  const batches = new Map<string, Batch>();
  const sockets = new Set<net.Socket>();
  const warned = new Map<string, number>();
  let tcp: net.Server | undefined;
  let udp: dgram.Socket | undefined;
  let stopping = false;

  /** Says once a minute per address that a sender is not allowed (addresses may be logged; identifiers may not). */
  function warnUnknown(peer: string): void {
    const now = Date.now();
    if ((warned.get(peer) ?? 0) > now - 60_000) return;
    warned.set(peer, now);
    log.warn('syslog from an address no enabled syslog source allows; dropped', { peer });
  }

  function batchOf(source: SourceRow): Batch {
    let b = batches.get(source.id);
    if (!b) {
      b = { source, lines: [], failures: 0, flushing: false, paused: new Set(), dropped: 0 };
      batches.set(source.id, b);
    }
    b.source = source;
    return b;
  }

  function add(source: SourceRow, peer: string, raw: string, socket?: net.Socket): void {
    const b = batchOf(source);
    if (b.lines.length >= o.backlogLines) {
      if (!socket) {
        b.dropped++;
        return;
      }
    }
    b.lines.push({ raw, peer });
    if (socket && b.lines.length >= o.backlogLines && !b.paused.has(socket)) {
      socket.pause();
      b.paused.add(socket);
    }
    if (b.lines.length >= o.batchLines) void flush(b);
    else b.timer ??= setTimeout(() => void flush(b), o.flushMs);
  }

  async function flush(b: Batch): Promise<void> {
    if (b.timer) clearTimeout(b.timer);
    b.timer = undefined;
    if (b.flushing || (!b.lines.length && !b.dropped)) return;
    b.flushing = true;
    const lines = b.lines.splice(0, o.batchLines);
    const dropped = b.dropped;
    b.dropped = 0;
    try {
      if (dropped) ingest.noteRefusal(b.source.id, dropped, `${dropped} UDP syslog line(s) dropped: the ingest queue was saturated`);
      if (lines.length) await commit(b.source, lines);
      b.failures = 0;
    } catch (error) {
      // Not committed: the lines go back to the front and are retried (the queue
      // may be saturated); a batch that keeps failing is given up, counted and logged.
      if (++b.failures < MAX_ATTEMPTS) {
        b.lines.unshift(...lines);
        log.warn('syslog batch not committed yet; retrying', { source: b.source.id, lines: lines.length, error: (error as Error).message });
      } else {
        b.failures = 0;
        ingest.noteRefusal(b.source.id, lines.length, `${lines.length} syslog line(s) given up after ${MAX_ATTEMPTS} failed commits`);
        log.error('syslog batch given up', { source: b.source.id, lines: lines.length, error: (error as Error).message });
      }
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      b.flushing = false;
    }
    if (b.lines.length < o.backlogLines / 2) {
      for (const s of b.paused) s.resume();
      b.paused.clear();
    }
    if (b.lines.length) {
      if (b.lines.length >= o.batchLines || stopping) await flush(b);
      else b.timer ??= setTimeout(() => void flush(b), o.flushMs);
    }
  }

  async function commit(source: SourceRow, lines: { raw: string; peer: string }[]): Promise<void> {
    const rows: ValidAccessEvent[] = [];
    const alerts: ToolAlert[] = [];
    const systemEvents: NewSystemEventRow[] = [];
    const rejected: Refusal[] = [];
    const hash = createHash('sha256');
    let bytes = 0;
    const limit = deps.futureLimit?.();
    lines.forEach(({ raw, peer }, index) => {
      hash.update(raw).update('\n');
      bytes += Buffer.byteLength(raw) + 1;
      // Never throws: a line that cannot be read is kept raw with its reason, alone.
      const { msg, content } = readSyslogLine(raw, limit);
      if (content.kind === 'event') return void rows.push(content.event);
      if (content.kind === 'alert') return void alerts.push(content.alert);
      if (content.refused) rejected.push({ index, reason: content.refused });
      systemEvents.push({
        receivedAt: 0,
        occurredAt: msg.occurredAt,
        occurredAtText: msg.timestampText,
        sourceId: source.id,
        peer,
        facility: msg.facility,
        severity: msg.severity,
        hostname: msg.hostname,
        appName: msg.appName,
        procId: msg.procId,
        msgId: msg.msgId,
        structuredData: msg.structuredData ? JSON.stringify(msg.structuredData) : null,
        message: msg.message,
        raw,
        format: msg.format,
      });
    });
    const ticket = ingest.reserve();
    try {
      const actor = { kind: 'source' as const, id: source.id, address: lines[0]!.peer };
      await ingest.commitSyslog(ticket, actor, source, { rows, alerts, systemEvents }, { format: 'syslog', digest: { bytes, sha256: hash.digest('hex') }, rejected });
    } finally {
      ticket.release();
    }
  }

  function onTcp(socket: net.Socket): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(o.idleMs, () => socket.destroy());
    const peer = unwrapMapped(socket.remoteAddress ?? '');
    socket.pause();
    void sources.syslogSourceFor(peer).then(
      (source) => {
        if (!source) {
          warnUnknown(peer);
          return socket.destroy();
        }
        const decoder = new FrameDecoder(
          o.maxFrame,
          (frame) => add(source, peer, frameText(frame), socket),
          (size) => ingest.noteRefusal(source.id, 1, `syslog frame over ${o.maxFrame} bytes skipped${size ? ` (declared ${size})` : ''}`),
        );
        socket.on('data', (chunk: Buffer) => decoder.push(chunk));
        socket.on('end', () => decoder.end());
        socket.resume();
      },
      (error) => {
        log.error('syslog source lookup failed', { error });
        socket.destroy();
      },
    );
  }

  function onUdp(message: Buffer, rinfo: dgram.RemoteInfo): void {
    const peer = unwrapMapped(rinfo.address);
    void sources.syslogSourceFor(peer).then(
      (source) => {
        if (!source) return warnUnknown(peer);
        let end = message.length;
        while (end > 0 && (message[end - 1] === 0x0a || message[end - 1] === 0x0d || message[end - 1] === 0)) end--;
        if (end > 0) add(source, peer, frameText(message, Math.min(end, o.maxFrame)));
      },
      (error) => log.error('syslog source lookup failed', { error }),
    );
  }

  return {
    name: 'syslog',
    async start() {
      tcp = net.createServer(onTcp);
      await new Promise<void>((resolve, reject) => {
        tcp!.once('error', reject);
        tcp!.listen(o.port, o.host, () => resolve());
      });
      const port = (tcp.address() as net.AddressInfo).port;
      udp = dgram.createSocket(net.isIPv6(o.host) ? 'udp6' : 'udp4');
      udp.on('message', onUdp);
      udp.on('error', (error) => log.error('syslog UDP socket error', { error }));
      await new Promise<void>((resolve, reject) => {
        udp!.once('error', reject);
        udp!.bind(port, o.host, () => resolve());
      });
      log.info('syslog listening', { host: o.host, port });
    },
    async stop() {
      stopping = true;
      await new Promise<void>((resolve) => (tcp ? tcp.close(() => resolve()) : resolve()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (udp ? udp.close(() => resolve()) : resolve()));
      await this.drain();
    },
    ports() {
      return { tcp: (tcp?.address() as net.AddressInfo | null)?.port ?? 0, udp: udp?.address().port ?? 0 };
    },
    async drain() {
      for (let i = 0; i < 100; i++) {
        const pending = [...batches.values()].filter((b) => b.lines.length || b.flushing || b.dropped);
        if (!pending.length) return;
        await Promise.all(pending.map((b) => (b.flushing ? new Promise((r) => setTimeout(r, 20)) : flush(b))));
      }
    },
  };
}
