import * as ipaddr from 'ipaddr.js';

/**
 * Where the crawler connects for a host name, like curl's --connect-to: the URL and the Host header
 * keep the original name, only the TCP connection goes to the configured address.
 */
export interface HostResolver {
  /** The override for a host name, or undefined to use normal DNS. */
  resolve(hostname: string): { ip: string; port: number } | undefined;
  /** Whether the SSRF guard lets this host reach loopback/private addresses (only overridden hosts). */
  readonly allowsLoopbackFor: (hostname: string) => boolean;
}

export interface ResolveOverride {
  /** Exact host name, or `*.suffix` (any subdomain of suffix, NOT the bare suffix). */
  pattern: string;
  ip: string;
  port: number;
}

const HOST_LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function normaliseHostname(hostname: string): string {
  let host = hostname.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

function isValidHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  return host.split('.').every((label) => HOST_LABEL.test(label));
}

function parseEntry(entry: string): ResolveOverride {
  const fail = (why: string): never => {
    throw new Error(
      `TRAWL_RESOLVE: bad entry "${entry}": ${why} (expected PATTERN=IP:PORT, e.g. *.fixture.test=127.0.0.1:8080)`,
    );
  };
  const eq = entry.indexOf('=');
  if (eq <= 0) fail('missing "="');
  const rawPattern = entry.slice(0, eq).trim().toLowerCase();
  const target = entry.slice(eq + 1).trim();

  const wildcard = rawPattern.startsWith('*.');
  const name = wildcard ? rawPattern.slice(2) : rawPattern;
  if (name.includes('*')) fail('"*" is only allowed as the first label ("*.suffix")');
  const host = name.endsWith('.') ? name.slice(0, -1) : name;
  if (!isValidHostName(host)) fail(`"${rawPattern}" is not a host name or *.suffix`);

  // IP:PORT, with IPv6 in brackets: [::1]:8080
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(target);
  if (!match) fail(`"${target}" is not IP:PORT (IPv6 as [addr]:port)`);
  const ipText = (match?.[1] ?? match?.[2] ?? '').trim();
  // Strict forms only: four-part decimal IPv4 (no "127.1", octal or hex) or a valid IPv6 address.
  const ipOk = match?.[1] ? ipaddr.IPv6.isValid(ipText) : ipaddr.IPv4.isValidFourPartDecimal(ipText);
  if (!ipOk) fail(`"${ipText}" is not an IP address in canonical form`);
  const port = Number(match?.[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`port ${match?.[3]} is out of range 1..65535`);

  return { pattern: wildcard ? `*.${host}` : host, ip: ipaddr.parse(ipText).toString(), port };
}

/** Parses entries; throws an Error naming the bad entry. Empty entries (", ,") are ignored. */
export function parseResolveEntries(spec: string | undefined): ResolveOverride[] {
  if (spec === undefined || spec.trim() === '') return [];
  return spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map(parseEntry);
}

/**
 * Builds the resolver from `TRAWL_RESOLVE` (comma-separated `PATTERN=IP:PORT`).
 * Matching: an exact name wins over wildcards; among wildcards the longest suffix wins.
 * `*.fixture.test` matches `a.fixture.test` and `a.b.fixture.test`, but not `fixture.test` itself
 * (add `fixture.test=...` explicitly for the bare name).
 */
export function parseResolveOverrides(spec: string | undefined): HostResolver {
  const entries = parseResolveEntries(spec);
  const exact = new Map<string, { ip: string; port: number }>();
  const suffixes: Array<{ suffix: string; target: { ip: string; port: number } }> = [];
  for (const entry of entries) {
    const target = { ip: entry.ip, port: entry.port };
    if (entry.pattern.startsWith('*.')) {
      suffixes.push({ suffix: entry.pattern.slice(1), target }); // ".fixture.test"
    } else if (!exact.has(entry.pattern)) {
      exact.set(entry.pattern, target);
    }
  }
  suffixes.sort((a, b) => b.suffix.length - a.suffix.length);

  const resolve = (hostname: string): { ip: string; port: number } | undefined => {
    const host = normaliseHostname(hostname);
    const direct = exact.get(host);
    if (direct) return { ...direct };
    const wildcard = suffixes.find((s) => host.length > s.suffix.length && host.endsWith(s.suffix));
    return wildcard ? { ...wildcard.target } : undefined;
  };
  return { resolve, allowsLoopbackFor: (hostname: string) => resolve(hostname) !== undefined };
}
