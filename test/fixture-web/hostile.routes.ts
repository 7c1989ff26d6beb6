import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';
import type { PrivateTarget } from './host-scheme';
import { latin1Page, PDF_BYTES } from './site-content';

/**
 * Hostile routes. Each one attacks one limit of the crawler:
 *   /slow-drip            200 text/html, then one byte per second forever (overall page deadline)
 *   /redirect-loop        302 to /redirect-loop?n=<n+1>, forever (redirect cap)
 *   /private-ip-redirect  302 to an internal address (SSRF guard on every hop); ?to=<target>:
 *                           loopback  http://127.0.0.1:<port>/        (default)
 *                           private   http://10.0.0.1/
 *                           mapped    http://[::ffff:127.0.0.1]:<port>/
 *                           decimal   http://2130706433:<port>/
 *                           octal     http://0177.0.0.1:<port>/
 *                           ipv6      http://[::1]:<port>/
 *                           localhost http://localhost:<port>/
 *                           metadata  http://169.254.169.254/latest/meta-data/
 *   /gzip-bomb            ~130 KB gzip inflating to 128 MiB, Content-Encoding: gzip (decoded-bytes cap)
 *   /huge                 50 MiB text/html body with Content-Length (byte cap)
 *   /latin1               windows-1252 page, charset in the Content-Type header
 *   /latin1-meta          windows-1252 page, charset only in <meta charset>
 *   /binary.pdf, /download  application/pdf (not_html; the .pdf one is skipped by extension)
 */
export const HOSTILE_PATHS = [
  '/slow-drip',
  '/redirect-loop',
  '/private-ip-redirect',
  '/gzip-bomb',
  '/huge',
  '/latin1',
  '/latin1-meta',
  '/binary.pdf',
  '/download',
] as const;

export const GZIP_BOMB_DECODED_BYTES = 128 * 1024 * 1024;
export const HUGE_BYTES = 50 * 1024 * 1024;

let gzipBomb: Promise<Buffer> | undefined;

/** Built once per process, streaming (never holds 128 MiB in memory). */
export function gzipBombBytes(): Promise<Buffer> {
  gzipBomb ??= (async () => {
    const gzip = zlib.createGzip({ level: 9 });
    const chunks: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    const zeros = Buffer.alloc(1024 * 1024);
    for (let written = 0; written < GZIP_BOMB_DECODED_BYTES; written += zeros.length) {
      if (!gzip.write(zeros)) await once(gzip, 'drain');
    }
    gzip.end();
    await once(gzip, 'end');
    return Buffer.concat(chunks);
  })();
  return gzipBomb;
}

export function privateTargetUrl(target: PrivateTarget, port: number): string {
  switch (target) {
    case 'loopback':
      return `http://127.0.0.1:${port}/`;
    case 'private':
      return 'http://10.0.0.1/';
    case 'mapped':
      return `http://[::ffff:127.0.0.1]:${port}/`;
    case 'decimal':
      return `http://2130706433:${port}/`;
    case 'octal':
      return `http://0177.0.0.1:${port}/`;
    case 'ipv6':
      return `http://[::1]:${port}/`;
    case 'localhost':
      return `http://localhost:${port}/`;
    case 'metadata':
      return 'http://169.254.169.254/latest/meta-data/';
  }
}

export interface HostileContext {
  port: number;
  /** Target for /private-ip-redirect when the query does not name one. */
  defaultTarget: PrivateTarget;
}

/** Serves a hostile route; returns false if `route` is not one. */
export function serveHostile(route: string, req: IncomingMessage, res: ServerResponse, ctx: HostileContext): boolean {
  const url = new URL(req.url ?? '/', 'http://fixture.invalid');
  switch (route) {
    case '/slow-drip': {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write('<');
      const timer = setInterval(() => res.write('.'), 1000);
      res.once('close', () => clearInterval(timer));
      return true;
    }
    case '/redirect-loop': {
      const n = Number(url.searchParams.get('n') ?? '0') || 0;
      res.writeHead(302, { location: `/redirect-loop?n=${n + 1}`, 'content-length': '0' });
      res.end();
      return true;
    }
    case '/private-ip-redirect': {
      const requested = url.searchParams.get('to');
      const targets: readonly string[] = [
        'loopback',
        'private',
        'mapped',
        'decimal',
        'octal',
        'ipv6',
        'localhost',
        'metadata',
      ];
      const target =
        requested !== null && targets.includes(requested) ? (requested as PrivateTarget) : ctx.defaultTarget;
      res.writeHead(302, { location: privateTargetUrl(target, ctx.port), 'content-length': '0' });
      res.end();
      return true;
    }
    case '/gzip-bomb': {
      gzipBombBytes().then(
        (bomb) => {
          if (res.destroyed) return;
          res.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'content-encoding': 'gzip',
            'content-length': String(bomb.length),
          });
          res.end(bomb);
        },
        () => res.destroy(),
      );
      return true;
    }
    case '/huge': {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(HUGE_BYTES) });
      streamFiller(res, HUGE_BYTES);
      return true;
    }
    case '/latin1':
    case '/latin1-meta': {
      const page = latin1Page(route === '/latin1' ? 'header' : 'meta');
      res.writeHead(page.status, { ...page.headers, 'content-length': String(page.body.length) });
      res.end(page.body);
      return true;
    }
    case '/binary.pdf':
    case '/download': {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(PDF_BYTES.length) });
      res.end(PDF_BYTES);
      return true;
    }
    default:
      return false;
  }
}

/** Writes `total` bytes of filler with backpressure, stopping when the client goes away. */
function streamFiller(res: ServerResponse, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  const pump = (): void => {
    while (sent < total && !res.destroyed) {
      const size = Math.min(chunk.length, total - sent);
      sent += size;
      if (!res.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
        res.once('drain', pump);
        return;
      }
    }
    if (sent >= total && !res.destroyed) res.end();
  };
  pump();
}
