// The syslog listener (a BackgroundJob): TCP (octet counting or newline
// framing) and UDP on VIGIE_SYSLOG_PORT, from the addresses an admin allowed
// per source. Lines are batched per source (up to 1,000 lines or one
// second: each batch is one audit entry) and committed through the same
// writer as HTTP batches. Syslog has no acknowledgement, so nothing may be
// given up for being early: while the writer answers 503 (busy), a batch is
// kept and retried, and the source's TCP senders are not read (back-pressure
// through TCP flow control) until a commit goes through. UDP cannot be
// paused: datagrams beyond a bounded backlog, and those the kernel drops when
// the socket's receive buffer overflows, are counted as dropped on the source.
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { InsufficientStorage, Unavailable } from '../../errors.ts';
import type { BackgroundJob } from '../../kernel/module.ts';
import type { Logger } from '../../log.ts';
import { classifyStoreError } from '../../store/store-errors.ts';
import type { ValidAccessEvent } from '../pipeline/access-event-validation.ts';
import type { IngestService, Refusal } from '../pipeline/ingest.service.ts';
import type { FutureLimit } from '../pipeline/iso-time.ts';
import { unwrapMapped } from '../sources/address-list.ts';
import type { SourceRow } from '../sources/sources.repo.ts';
import type { SourcesService } from '../sources/sources.service.ts';
import type { NewSystemEventRow } from '../system-events.repo.ts';
import type { ToolAlert } from '../tools/tool-alert.ts';
import { createKernelDrops, type KernelDrops } from './kernel-drops.ts';
import { FrameDecoder } from './syslog-framing.ts';
import { readSyslogLine } from './syslog-mapper.ts';

/** Attempts for a batch that fails for another reason than a busy writer (503). */
const MAX_ATTEMPTS = 5;
/** How long a sender address keeps its source without a new lookup (UDP: no promise per datagram). */
const PEER_CACHE_MS = 1000;
/** How often the kernel's drop counter is read. */
const KERNEL_DROPS_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  /** Lines waiting per source beyond which TCP senders pause and UDP lines are dropped (and counted). */
  backlogLines?: number;
  /** A connection silent this long is closed (not one we stopped reading). */
  idleMs?: number;
  /** Receive buffer asked for the UDP socket (the kernel caps it at net.core.rmem_max). */
  udpBufferBytes?: number;
  /** How long stop() may spend committing what was received. */
  stopTimeoutMs?: number;
}

interface Batch {
  source: SourceRow;
  lines: { raw: string; peer: string }[];
  /** Consecutive failed commits of the head of the backlog (other than 503). */
  failures: number;
  timer?: NodeJS.Timeout;
  flushing: boolean;
  /** The writer answered 503: the TCP senders stay paused until a commit goes through. */
  blocked: boolean;
  backoffMs: number;
  /** The source's TCP connections, and whether they are paused. */
  sockets: Set<net.Socket>;
  paused: boolean;
  /** UDP lines dropped at the backlog bound, not yet counted. */
  dropped: number;
}

export interface SyslogListener extends BackgroundJob {
  /** The bound ports (after start), for tests and the log. */
  ports(): { tcp: number; udp: number };
  /** Resolves when every line received so far is committed (and the kernel's drops are counted). */
  drain(): Promise<void>;
}

export function createSyslogListener(deps: {
  sources: SourcesService;
  ingest: IngestService;
  log: Logger;
  options: SyslogOptions;
  futureLimit?: () => FutureLimit;
}): SyslogListener {
  const { sources, ingest, log } = deps;
  const o = {
    maxFrame: 64 * 1024,
    flushMs: 1000,
    batchLines: 1000,
    backlogLines: 20_000,
    idleMs: 300_000,
    udpBufferBytes: 8 * 1024 * 1024,
    stopTimeoutMs: 10_000,
    ...deps.options,
  };
  const batches = new Map<string, Batch>();
  const sockets = new Set<net.Socket>();
  const warned = new Map<string, number>();
  const peers = new Map<string, { source: SourceRow | undefined; until: number }>();
  const lookups = new Map<string, Promise<SourceRow | undefined>>();
  let tcp: net.Server | undefined;
  let udp: dgram.Socket | undefined;
  let udpBuffer = 0;
  let kernel: KernelDrops | undefined;
  let dropTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  let stopped: Promise<void> | undefined;

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
      b = {
        source,
        lines: [],
        failures: 0,
        flushing: false,
        blocked: false,
        backoffMs: 0,
        sockets: new Set(),
        paused: false,
        dropped: 0,
      };
      batches.set(source.id, b);
    }
    b.source = source;
    return b;
  }

  /** TCP flow control: a source's senders are not read while the writer is busy or its backlog is full. */
  function regulate(b: Batch): void {
    const hold = stopping || b.blocked || b.lines.length >= o.backlogLines;
    if (hold && !b.paused) {
      b.paused = true;
      for (const s of b.sockets) s.pause();
    } else if (!hold && b.paused && b.lines.length < o.backlogLines / 2) {
      b.paused = false;
      for (const s of b.sockets) s.resume();
    }
  }

  function add(source: SourceRow, peer: string, raw: string, socket?: net.Socket): void {
    const b = batchOf(source);
    if (!socket && b.lines.length >= o.backlogLines) b.dropped++;
    else {
      b.lines.push({ raw, peer });
      if (socket && b.lines.length >= o.backlogLines) regulate(b);
    }
    if (b.lines.length >= o.batchLines) void flush(b);
    else b.timer ??= setTimeout(() => void flush(b), o.flushMs);
  }

  function countDropped(b: Batch): void {
    if (!b.dropped) return;
    ingest.noteDropped(
      b.source.id,
      b.dropped,
      `${b.dropped} UDP syslog datagram(s) dropped: ${o.backlogLines} lines were already waiting for the ingest writer`,
    );
    b.dropped = 0;
  }

  /** One commit of `lines`; returns how long to wait before the next attempt (0: done with them). */
  async function attempt(b: Batch, lines: { raw: string; peer: string }[]): Promise<number> {
    try {
      await commit(b.source, lines);
      if (b.blocked) log.info('syslog: the ingest writer has room again; reading the senders', { source: b.source.id });
      b.failures = 0;
      b.blocked = false;
      b.backoffMs = 0;
      return 0;
    } catch (error) {
      const message = (error as Error).message;
      // A database outage or a full disk is waited out like a busy writer: the lines are kept, never given up.
      const known = classifyStoreError(error) ?? error;
      if (
        (known instanceof Unavailable || known instanceof InsufficientStorage) &&
        !(stopping && known.code === 'ingest.stopping')
      ) {
        // Busy, not broken: keep the lines (first in line) and stop reading the TCP senders.
        b.lines.unshift(...lines);
        if (!b.blocked)
          log.warn('syslog: the ingest writer is busy; TCP senders paused until it has room', {
            source: b.source.id,
            code: known.code,
          });
        b.blocked = true;
        b.backoffMs = Math.min(1000, Math.max(25, b.backoffMs * 2));
        return b.backoffMs;
      }
      if (++b.failures < MAX_ATTEMPTS) {
        b.lines.unshift(...lines);
        log.warn('syslog batch not committed yet; retrying', {
          source: b.source.id,
          lines: lines.length,
          error: message,
        });
        return 1000;
      }
      // Uncommittable (not a busy writer): counted as refused on the source, with the reason, and logged.
      b.failures = 0;
      ingest.noteRefusal(
        b.source.id,
        lines.length,
        `${lines.length} syslog line(s) could not be stored after ${MAX_ATTEMPTS} attempts: ${message}`.slice(0, 500),
      );
      log.error('syslog batch given up', { source: b.source.id, lines: lines.length, error: message });
      return 0;
    }
  }

  /** Commits the backlog: full batches (all of it when `all`), retrying while the writer is busy. */
  async function flush(b: Batch, all = stopping, deadline = Infinity): Promise<void> {
    if (b.timer) clearTimeout(b.timer);
    b.timer = undefined;
    if (b.flushing) return;
    b.flushing = true;
    try {
      for (;;) {
        countDropped(b);
        if (!b.lines.length || (!all && b.lines.length < o.batchLines)) break;
        const wait = await attempt(b, b.lines.splice(0, o.batchLines));
        regulate(b);
        if (wait) {
          if (Date.now() + wait > deadline) break;
          await sleep(wait);
          all = all || stopping;
        }
      }
    } finally {
      b.flushing = false;
    }
    if ((b.lines.length || b.dropped) && !stopped)
      b.timer ??= setTimeout(() => void flush(b, true), b.blocked ? b.backoffMs : o.flushMs);
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
    const ticket = ingest.reserve(source.id);
    try {
      const actor = { kind: 'source' as const, id: source.id, address: lines[0]!.peer };
      await ingest.commitSyslog(
        ticket,
        actor,
        source,
        { rows, alerts, systemEvents },
        { format: 'syslog', digest: { bytes, sha256: hash.digest('hex') }, rejected },
      );
    } finally {
      ticket.release();
    }
  }

  function onTcp(socket: net.Socket): void {
    if (stopping) return void socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let batch: Batch | undefined;
    // A sender we stopped reading is silent because of us: it is not idle.
    socket.setTimeout(o.idleMs, () => {
      if (!batch?.paused) socket.destroy();
    });
    const peer = unwrapMapped(socket.remoteAddress ?? '');
    socket.pause();
    void sources.syslogSourceFor(peer).then(
      (source) => {
        if (!source) {
          warnUnknown(peer);
          return socket.destroy();
        }
        if (stopping) return socket.destroy();
        const b = (batch = batchOf(source));
        b.sockets.add(socket);
        socket.on('close', () => b.sockets.delete(socket));
        const decoder = new FrameDecoder(
          o.maxFrame,
          (frame) => add(source, peer, frameText(frame), socket),
          (size) =>
            ingest.noteRefusal(
              source.id,
              1,
              `syslog frame over ${o.maxFrame} bytes skipped${size ? ` (declared ${size})` : ''}`,
            ),
        );
        socket.on('data', (chunk: Buffer) => decoder.push(chunk));
        socket.on('end', () => decoder.end());
        if (!b.paused) socket.resume();
      },
      (error) => {
        log.error('syslog source lookup failed', { error });
        socket.destroy();
      },
    );
  }

  /** The source of a UDP sender, remembered briefly per address: most datagrams need no lookup. */
  function udpSource(peer: string): SourceRow | undefined | Promise<SourceRow | undefined> {
    const known = peers.get(peer);
    if (known && known.until > performance.now()) return known.source;
    let pending = lookups.get(peer);
    if (!pending) {
      pending = sources.syslogSourceFor(peer).finally(() => lookups.delete(peer));
      // Registered first, so it runs before the datagrams waiting on the same lookup.
      pending.then(
        (source) => {
          if (peers.size > 10_000) peers.clear();
          peers.set(peer, { source, until: performance.now() + PEER_CACHE_MS });
        },
        () => undefined,
      );
      lookups.set(peer, pending);
    }
    return pending;
  }

  function takeDatagram(source: SourceRow | undefined, peer: string, message: Buffer): void {
    if (!source) return warnUnknown(peer);
    kernel?.seen(source.id);
    let end = message.length;
    while (end > 0 && (message[end - 1] === 0x0a || message[end - 1] === 0x0d || message[end - 1] === 0)) end--;
    if (end > 0) add(source, peer, frameText(message, Math.min(end, o.maxFrame)));
  }

  function onUdp(message: Buffer, rinfo: dgram.RemoteInfo): void {
    const peer = unwrapMapped(rinfo.address);
    const source = udpSource(peer);
    if (!(source instanceof Promise)) return takeDatagram(source, peer, message);
    source.then(
      (s) => takeDatagram(s, peer, message),
      (error) => log.error('syslog source lookup failed', { error }),
    );
  }

  function countKernelDrops(): void {
    const counted = kernel?.count() ?? 0;
    if (counted > 0)
      log.warn('syslog: the kernel dropped UDP datagrams (receive buffer full)', {
        dropped: counted,
        receiveBuffer: udpBuffer,
      });
  }

  async function drainUntil(deadline: number): Promise<void> {
    countKernelDrops();
    for (;;) {
      const pending = [...batches.values()].filter((b) => b.lines.length || b.flushing || b.dropped);
      if (!pending.length || Date.now() > deadline) return;
      await Promise.all(pending.map((b) => (b.flushing ? sleep(20) : flush(b, true, deadline))));
    }
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
      udp = dgram.createSocket({ type: net.isIPv6(o.host) ? 'udp6' : 'udp4', recvBufferSize: o.udpBufferBytes });
      udp.on('message', onUdp);
      udp.on('error', (error) => log.error('syslog UDP socket error', { error }));
      await new Promise<void>((resolve, reject) => {
        udp!.once('error', reject);
        udp!.bind(port, o.host, () => resolve());
      });
      // Linux reports twice the size asked (its bookkeeping share), capped at net.core.rmem_max.
      udpBuffer = udp.getRecvBufferSize();
      const granted = process.platform === 'linux' ? udpBuffer / 2 : udpBuffer;
      kernel = createKernelDrops({ port, receiveBuffer: udpBuffer, noteDropped: ingest.noteDropped });
      dropTimer = setInterval(countKernelDrops, KERNEL_DROPS_MS).unref();
      log.info('syslog listening', {
        host: o.host,
        port,
        udpReceiveBuffer: udpBuffer,
        kernelDropCounter: kernel !== undefined,
      });
      if (granted < o.udpBufferBytes) {
        log.warn(
          'syslog: the UDP receive buffer is smaller than asked (the kernel caps it at net.core.rmem_max); bursts may be dropped',
          {
            asked: o.udpBufferBytes,
            obtained: udpBuffer,
          },
        );
      }
    },
    // Stop reading, commit what was received, close the sockets: never waits on a connected sender.
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(dropTimer);
        const closed = new Promise<void>((resolve) => (tcp ? tcp.close(() => resolve()) : resolve()));
        for (const b of batches.values()) regulate(b);
        // What Node already holds of a paused socket is decoded too (read() emits it as 'data').
        for (const s of sockets) while (s.listenerCount('data') && s.read() !== null);
        countKernelDrops();
        await new Promise<void>((resolve) => (udp ? udp.close(() => resolve()) : resolve()));
        if (kernel?.unattributed())
          log.warn('syslog: the kernel dropped UDP datagrams from senders never identified', {
            dropped: kernel.unattributed(),
          });
        await drainUntil(Date.now() + o.stopTimeoutMs);
        for (const b of batches.values()) {
          if (b.lines.length)
            log.error('syslog lines not stored at shutdown: the writer did not take them in time', {
              source: b.source.id,
              lines: b.lines.length,
            });
          if (b.timer) clearTimeout(b.timer);
        }
        for (const s of sockets) s.destroy();
        await closed;
      })();
      return stopped;
    },
    ports() {
      return { tcp: (tcp?.address() as net.AddressInfo | null)?.port ?? 0, udp: udp?.address().port ?? 0 };
    },
    drain: () => drainUntil(Infinity),
  };
}
