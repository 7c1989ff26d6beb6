import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One built file of the dashboard, held in memory (the bundle is small): its bytes and how to send them. */
export interface DashboardFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
};

/** The repository root (the nearest directory with a package.json), from the sources or from dist/. */
function repoRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return from;
    dir = parent;
  }
  return dir;
}

/** Where scripts/build-dashboard.mjs writes the bundle: dist/dashboard of the repository. */
export const DASHBOARD_DIR = path.join(repoRoot(__dirname), 'dist', 'dashboard');

export function contentTypeOf(name: string): string | undefined {
  return CONTENT_TYPES[path.extname(name).toLowerCase()];
}

/**
 * The built dashboard: index.html and the files of assets/ (content-hashed names), read once.
 * Only names listed here are ever served, so no request path reaches the file system.
 */
export class DashboardFiles {
  private constructor(
    readonly index: DashboardFile | undefined,
    private readonly assets: ReadonlyMap<string, DashboardFile>,
  ) {}

  static load(dir: string = DASHBOARD_DIR): DashboardFiles {
    const read = (file: string): DashboardFile | undefined => {
      const contentType = contentTypeOf(file);
      if (!contentType || !fs.existsSync(file)) return undefined;
      const body = fs.readFileSync(file);
      return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    };
    const assetsDir = path.join(dir, 'assets');
    const assets = new Map<string, DashboardFile>();
    if (fs.existsSync(assetsDir)) {
      for (const name of fs.readdirSync(assetsDir)) {
        const file = read(path.join(assetsDir, name));
        if (file) assets.set(name, file);
      }
    }
    return new DashboardFiles(read(path.join(dir, 'index.html')), assets);
  }

  asset(name: string): DashboardFile | undefined {
    return this.assets.get(name);
  }
}
