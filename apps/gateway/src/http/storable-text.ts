/**
 * Finds text PostgreSQL cannot store: a NUL character (refused by text and jsonb) or a lone UTF-16
 * surrogate (JSON.stringify writes it as "\ud800", which jsonb refuses). Keys count as text too.
 * Pure; the body size limit bounds the walk, and nesting deeper than MAX_DEPTH is refused as well.
 */

export interface UnstorableText {
  /** Where, as a JavaScript-like path from `root`: metadata.a.b[2], metadata["odd key"]. */
  path: string;
  reason: string;
}

const MAX_DEPTH = 32;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which cannot be stored';
  if (!text.isWellFormed()) return 'contains a lone UTF-16 surrogate (not valid Unicode), which cannot be stored';
  return undefined;
}

const member = (path: string, key: string) =>
  IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

export function findUnstorableText(value: unknown, root: string, depth = 0): UnstorableText | undefined {
  if (typeof value === 'string') {
    const reason = textProblem(value);
    return reason ? { path: root, reason } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_DEPTH) return { path: root, reason: `is nested deeper than ${MAX_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnstorableText(item, `${root}[${index}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const path = member(root, key);
    const reason = textProblem(key);
    if (reason) return { path, reason };
    const found = findUnstorableText(item, path, depth + 1);
    if (found) return found;
  }
  return undefined;
}
