import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Refuses to let a URL the tenant configured (an HTTP tool, a webhook) reach our own network:
 * loopback, private (RFC 1918, ULA), link-local (incl. the 169.254.169.254 cloud metadata
 * endpoint), CGNAT, unspecified, multicast and reserved ranges. The check runs on the addresses
 * DNS actually returns and the connection uses exactly the address that was checked (the
 * `lookup` hook), so a name that resolves to a public address once and to 127.0.0.1 the next
 * time (DNS rebinding) gains nothing.
 */

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

export interface SsrfGuardOptions {
  /** Let private and loopback addresses through (local development, tests). Default false. */
  allowPrivate?: boolean;
}

/** An address the guard refused. */
export class SsrfBlockedError extends Error {
  override name = 'SsrfBlockedError';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`'${host}' resolves to ${address}, a private, loopback or reserved address; refusing to connect`);
  }
}

/** Whether `address` (an IPv4 or IPv6 literal) lies in a range the guard refuses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // IPv4-mapped (::ffff:a.b.c.d) is judged as the IPv4 address it carries.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1] as string, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return blocked.check(address, 'ipv4');
}

/**
 * A `lookup` for `http.request`/`net.connect` that resolves the name and fails with
 * `SsrfBlockedError` when any returned address is refused (one bad record is enough: the
 * connection could pick it).
 */
export function guardedLookup(options: SsrfGuardOptions = {}): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as unknown as LookupAddress[];
      const bad = options.allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(new SsrfBlockedError(hostname, bad.address), '', 4);
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/**
 * Checks a URL's host when it is an IP literal (Node connects to literals without calling
 * `lookup`). Throws `SsrfBlockedError`; names are checked later by `guardedLookup`.
 */
export function assertLiteralAllowed(url: URL, options: SsrfGuardOptions = {}): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) throw new SsrfBlockedError(host, host);
}
