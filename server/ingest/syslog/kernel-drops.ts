// The kernel's count of datagrams it dropped for one UDP socket (its receive
// buffer was full): the `drops` column of /proc/net/udp and /proc/net/udp6 on
// Linux, found by the socket's inode. Elsewhere there is no such count, and
// the reader says so by returning undefined.
import fs from 'node:fs';

const TABLES = ['/proc/net/udp', '/proc/net/udp6'];

/** The inodes of this process's sockets (`socket:[123]` links in /proc/self/fd). */
function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed in between
    }
  }
  return inodes;
}

/** Rows of the UDP tables: local port, inode, drops. */
function rows(): { port: number; inode: string; drops: number }[] {
  const out: { port: number; inode: string; drops: number }[] = [];
  for (const table of TABLES) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 13) continue;
      out.push({ port: parseInt(f[1]!.split(':')[1]!, 16), inode: f[9]!, drops: Number(f[12]) });
    }
  }
  return out;
}

/**
 * A reader of the drop count of this process's UDP socket bound to `port`,
 * or undefined when the platform does not expose one.
 */
export function kernelDropReader(port: number): (() => number | undefined) | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const own = ownSocketInodes();
    const inode = rows().find((r) => r.port === port && own.has(r.inode))?.inode;
    if (!inode) return undefined;
    return () => {
      try {
        return rows().find((r) => r.inode === inode)?.drops;
      } catch {
        return undefined;
      }
    };
  } catch {
    return undefined;
  }
}

/**
 * Splits `total` among weights in proportion, in whole units that add up to
 * `total` (largest remainders first): the kernel does not say whose datagrams
 * it dropped, so they are shared among the sources that were sending.
 */
export function shareOut(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  if (!sum) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, p) => a + p, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((x, y) => y[0] - x[0]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    parts[i]!++;
  }
  return parts;
}

export interface KernelDrops {
  /** A datagram of this source was read. */
  seen(sourceId: string): void;
  /**
   * Reads the kernel's counter and counts what it dropped since the last
   * reading on the sources whose datagrams came in meanwhile (else the last
   * one seen); drops seen before any source is known wait for the next reading.
   * Returns how many were counted.
   */
  count(): number;
  /** Drops not yet put on any source. */
  unattributed(): number;
}

export function createKernelDrops(deps: {
  port: number;
  receiveBuffer: number;
  noteDropped: (sourceId: string, count: number, reason: string) => void;
}): KernelDrops | undefined {
  const read = kernelDropReader(deps.port);
  if (!read) return undefined;
  let total = read() ?? 0;
  let pending = 0;
  let last: string | undefined;
  const since = new Map<string, number>();
  const reason = (n: number) =>
    `${n} UDP syslog datagram(s) dropped by the kernel: the socket's receive buffer (${deps.receiveBuffer} bytes) overflowed; raise VIGIE_SYSLOG_UDP_BUFFER_BYTES and net.core.rmem_max`;
  return {
    seen(sourceId) {
      since.set(sourceId, (since.get(sourceId) ?? 0) + 1);
      last = sourceId;
    },
    count() {
      const now = read();
      if (now === undefined) return 0;
      pending += now - total;
      total = now;
      const ids = since.size ? [...since.keys()] : last ? [last] : [];
      const weights = since.size ? [...since.values()] : [1];
      since.clear();
      if (pending <= 0 || !ids.length) return 0;
      shareOut(pending, weights).forEach((n, i) => n && deps.noteDropped(ids[i]!, n, reason(n)));
      const counted = pending;
      pending = 0;
      return counted;
    },
    unattributed: () => pending,
  };
}
