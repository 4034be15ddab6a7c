/**
 * Is an IP address one the card fetcher may connect to? Only public unicast addresses: a link in a
 * post must never make the check or the publisher (which runs next to the state branch and the
 * GitHub token) reach the runner itself, the cloud metadata service (169.254.169.254), or a
 * private network. IPv4-mapped (`::ffff:10.0.0.1`), NAT64 (`64:ff9b::/96`), 6to4 (`2002::/16`) and
 * IPv4-compatible forms are judged by the IPv4 address they carry.
 * Ranges: IANA special-purpose registries (RFC 6890),
 * https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry.
 */
import { isIP } from 'node:net';

/** Why an address is refused, or undefined when it is public. */
export function nonPublicReason(address: string): string | undefined {
  const kind = isIP(address);
  if (kind === 4) return v4Reason(v4Bytes(address)!);
  if (kind === 6) return v6Reason(v6Bytes(address));
  return 'not an IP address';
}

/** The address in its canonical form for comparing (`::ffff:127.0.0.1` → `127.0.0.1`). */
export function canonicalAddress(address: string): string {
  if (isIP(address) !== 6) return address;
  const b = v6Bytes(address);
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return b.slice(12).join('.');
  return address.toLowerCase();
}

function v4Bytes(a: string): number[] | undefined {
  const parts = a.split('.').map(Number);
  return parts.length === 4 && parts.every((n) => Number.isInteger(n) && n >= 0 && n <= 255) ? parts : undefined;
}

function v4Reason(bytes: number[]): string | undefined {
  const [a = 0, b = 0, c = 0] = bytes;
  if (a === 0) return 'a "this network" address (0.0.0.0/8)';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'a private address';
  if (a === 100 && b >= 64 && b <= 127) return 'a shared (carrier-grade NAT) address';
  if (a === 127) return 'a loopback address';
  if (a === 169 && b === 254) return 'a link-local address (the cloud metadata service lives there)';
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'a reserved or documentation address';
  if ((a === 198 && (b === 18 || b === 19)) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return 'a benchmarking or documentation address';
  if (a >= 224) return 'a multicast, reserved or broadcast address';
  return undefined;
}

/** 16 bytes of an IPv6 address (any textual form `isIP` accepts, including a dotted IPv4 tail and a zone). */
function v6Bytes(address: string): number[] {
  let a = address.toLowerCase().replace(/%.*$/, '');
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (tail) {
    const v4 = v4Bytes(tail[1]!)!;
    a = a.slice(0, -tail[1]!.length) + `${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head, rest] = a.includes('::') ? a.split('::') as [string, string] : [a, undefined];
  const h = head ? head.split(':') : [];
  const r = rest === undefined ? [] : rest ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill('0'), ...r];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function v6Reason(b: number[]): string | undefined {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 15) && (b[15] === 0 || b[15] === 1)) return b[15] === 1 ? 'a loopback address (::1)' : 'the unspecified address (::)';
  // IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d (deprecated), NAT64 64:ff9b::a.b.c.d.
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4Reason(b.slice(12)) ?? undefined;
  if (zeros(0, 12)) return v4Reason(b.slice(12)) ?? 'an IPv4-compatible address';
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) return v4Reason(b.slice(12)) ?? undefined;
  if (b[0] === 0x20 && b[1] === 0x02) return v4Reason(b.slice(2, 6)) ?? undefined; // 6to4 carries its IPv4 in bytes 2-5
  if ((b[0]! & 0xfe) === 0xfc) return 'a unique local (private) address (fc00::/7)';
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return 'a link-local address (fe80::/10)';
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0xc0) return 'a site-local address (fec0::/10)';
  if (b[0] === 0xff) return 'a multicast address';
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return 'a documentation address (2001:db8::/32)';
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x00 && b[3] === 0x00) return 'a Teredo tunnel address (2001::/32)';
  if (b[0] === 0x01 && zeros(1, 8)) return 'a discard-only address (100::/64)';
  if ((b[0]! & 0xe0) !== 0x20) return 'not a global unicast address (outside 2000::/3)';
  return undefined;
}
