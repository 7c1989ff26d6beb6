import { isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { wellFormedText } from '@trawl/contracts';
import { MAX_LISTED_PROBLEMS } from '../http/api-error';

/** Why one entry of a domain list was refused, as the API reports it. */
export interface DomainProblem {
  index: number;
  value: unknown;
  reason: string;
}

export type DomainResult = { ok: true; domain: string } | { ok: false; reason: string };

export type DomainListResult =
  | { kind: 'ok'; domains: string[] }
  /** `problems`: the first MAX_LISTED_PROBLEMS, in order; `total`: how many entries were refused. */
  | { kind: 'invalid'; problems: DomainProblem[]; total: number }
  | { kind: 'empty' }
  | { kind: 'too-many'; limit: number; unique: number };

const MAX_HOSTNAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const SHOWN_VALUE_CHARS = 100;

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//;
const LABEL_CHARS = /^[a-z0-9-]+$/;
// WHATWG URL parsing reads any host made of 1-4 numeric parts (decimal, octal, 0x-hex) as IPv4.
const NUMERIC_PART = /^(0x[0-9a-f]*|\d+)$/;

/** Reduces what a user typed (a URL, host:port, user@host, an IDN) to the bare lower-case ASCII host. */
function extractHost(input: string): string {
  let host = input.trim().toLowerCase();
  host = host.replace(SCHEME, '').replace(/^\/\//, '');
  host = host.split(/[/?#\\]/, 1)[0] ?? '';
  host = host.slice(host.lastIndexOf('@') + 1);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close === -1 ? host : host.slice(0, close + 1);
  }
  const colons = host.split(':').length - 1;
  // One colon is a port; more can only be an IPv6 literal without brackets.
  if (colons === 1) host = host.slice(0, host.indexOf(':'));
  return host;
}

function isIpLiteral(host: string): boolean {
  if (host.startsWith('[') && host.endsWith(']')) return isIPv6(host.slice(1, -1));
  if (host.includes(':')) return isIPv6(host);
  const parts = host.split('.');
  return parts.length <= 4 && parts.every((part) => NUMERIC_PART.test(part));
}

function labelProblem(label: string, position: number): string | undefined {
  const name = `label ${position} "${label}"`;
  if (label.length === 0) return `label rules: label ${position} is empty`;
  if (label.length > MAX_LABEL_LENGTH) return `label rules: ${name} is longer than ${MAX_LABEL_LENGTH} characters`;
  if (!LABEL_CHARS.test(label)) return `label rules: ${name} may only contain a-z, 0-9 and '-'`;
  if (label.startsWith('-') || label.endsWith('-')) return `label rules: ${name} must not start or end with '-'`;
  return undefined;
}

/** Normalises one entry to a lower-case ASCII hostname, or says why it is not one. */
export function normaliseDomain(input: unknown): DomainResult {
  if (typeof input !== 'string') return { ok: false, reason: 'not a string' };
  let host = extractHost(input);
  // domainToASCII would also rewrite numeric hosts (127.1 → 127.0.0.1), so only IDNs go through it.
  if (/[^\p{ASCII}]/u.test(host)) host = domainToASCII(host);
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '') return { ok: false, reason: 'not a hostname' };
  if (isIpLiteral(host)) return { ok: false, reason: 'IP literal' };
  if (host.startsWith('[') || host.includes(':')) return { ok: false, reason: 'not a hostname' };
  if (host.length > MAX_HOSTNAME_LENGTH) return { ok: false, reason: 'too long' };
  const labels = host.split('.');
  for (const [position, label] of labels.entries()) {
    const problem = labelProblem(label, position + 1);
    if (problem) return { ok: false, reason: problem };
  }
  if (labels.length < 2 || /^\d+$/.test(labels[labels.length - 1] ?? ''))
    return { ok: false, reason: 'not a hostname' };
  return { ok: true, domain: host };
}

/** The value as shown back in an error: strings and structures cut to 100 characters. */
export function shownValue(value: unknown): unknown {
  if (typeof value === 'string') return wellFormedText(value, SHOWN_VALUE_CHARS);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  const json = JSON.stringify(value) ?? 'null';
  return wellFormedText(json, SHOWN_VALUE_CHARS);
}

/**
 * Normalises and de-duplicates a submitted domain list, keeping first occurrences in order.
 * Every bad entry is reported at once; the limit applies to unique domains.
 */
export function normaliseDomainList(entries: readonly unknown[], maxUnique: number): DomainListResult {
  const problems: DomainProblem[] = [];
  let refused = 0;
  const unique = new Set<string>();
  entries.forEach((entry, index) => {
    const result = normaliseDomain(entry);
    if (result.ok) {
      unique.add(result.domain);
    } else {
      refused += 1;
      if (problems.length < MAX_LISTED_PROBLEMS)
        problems.push({ index, value: shownValue(entry), reason: result.reason });
    }
  });
  if (refused > 0) return { kind: 'invalid', problems, total: refused };
  if (unique.size === 0) return { kind: 'empty' };
  if (unique.size > maxUnique) return { kind: 'too-many', limit: maxUnique, unique: unique.size };
  return { kind: 'ok', domains: [...unique] };
}
