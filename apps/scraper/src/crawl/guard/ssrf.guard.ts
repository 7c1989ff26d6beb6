import * as dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import * as ipaddr from 'ipaddr.js';
import { ClassifiedError } from '../errors/crawl-error';

/**
 * The SSRF guard's address policy. Only globally routable unicast addresses may be reached:
 * loopback, private, link-local, unique-local, CGNAT, multicast, broadcast, unspecified, reserved,
 * documentation/benchmarking, NAT64/6to4/Teredo (which embed IPv4), and IPv4-mapped IPv6 forms of
 * any of them are blocked. Parsing is ipaddr.js's, never our own.
 */
export function isBlockedAddress(address: string): boolean {
  let text = address.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  // net.isIP accepts only canonical dotted-decimal IPv4 and valid IPv6, so odd forms like "127.1"
  // or "0x7f.1" never reach ipaddr's lenient parser: anything that is not a clean IP is blocked.
  if (isIP(text) === 0) return true;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() turns IPv4-mapped IPv6 (::ffff:127.0.0.1) into the IPv4 address it carries.
    parsed = ipaddr.process(text);
  } catch {
    return true;
  }
  return parsed.range() !== 'unicast';
}

export function ssrfBlocked(host: string, address: string): ClassifiedError {
  return new ClassifiedError('ssrf_blocked', `SSRF guard: ${host} -> ${address} is not a public address`);
}

type LookupAddress = dns.LookupAddress;

/** The `all: true` form of dns.lookup (injectable for tests). */
export type DnsLookupAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemLookup: DnsLookupAll = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/**
 * A `lookup` for net.connect that resolves through DNS and refuses names resolving to a blocked
 * address (if any address is blocked, the name is refused: no mixed answers). It never sees IP
 * literals (Node skips lookup for them), so the connector checks those itself.
 */
export function createGuardedLookup(resolveAll: DnsLookupAll = systemLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const blocked = addresses.find((entry) => isBlockedAddress(entry.address));
      if (blocked || addresses.length === 0) {
        callback(ssrfBlocked(hostname, blocked?.address ?? '(no address)'), '', 0);
        return;
      }
      if (options.all) {
        (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, addresses);
      } else {
        const first = addresses[0]!;
        callback(null, first.address, first.family);
      }
    });
  };
}

export const guardedLookup: LookupFunction = createGuardedLookup();
