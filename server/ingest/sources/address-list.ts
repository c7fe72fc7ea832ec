// Addresses and CIDR ranges allowed to send syslog for a source, matched with
// Node's own BlockList (IPv4 and IPv6; IPv4-mapped IPv6 senders are unwrapped).
import net from 'node:net';

/** The reason an entry is not an address or a CIDR range, or null when it is. */
export function addressEntryProblem(entry: string): string | null {
  const [ip, bits, ...rest] = entry.split('/');
  const family = net.isIP(ip ?? '');
  if (!family || rest.length) return `"${entry}" is not an IP address or a CIDR range (e.g. 10.0.0.5 or 10.0.0.0/24)`;
  if (bits === undefined) return null;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max)
    return `"${entry}": the prefix length must be between 0 and ${max}`;
  return null;
}

export function unwrapMapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

export function buildAddressList(entries: readonly string[]): net.BlockList {
  const list = new net.BlockList();
  for (const entry of entries) {
    const [ip, bits] = entry.split('/') as [string, string | undefined];
    const type = net.isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  return list;
}

export function addressAllowed(list: net.BlockList, address: string): boolean {
  const a = unwrapMapped(address);
  const family = net.isIP(a);
  if (!family) return false;
  return list.check(a, family === 6 ? 'ipv6' : 'ipv4');
}
