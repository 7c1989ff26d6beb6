/** The dashboard's pages, addressed by the URL's hash (so the gateway serves one index.html). */
export type Route =
  | { page: 'batches' }
  | { page: 'batch'; id: string }
  | { page: 'domain'; id: string; domain: string }
  | { page: 'trace'; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  if (parts[0] === 'batches' && parts[1]) {
    if (parts[2] === 'domains' && parts[3]) return { page: 'domain', id: parts[1], domain: parts[3] };
    if (parts[2] === 'trace') return { page: 'trace', id: parts[1] };
    return { page: 'batch', id: parts[1] };
  }
  return { page: 'batches' };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'batches':
      return '#/';
    case 'batch':
      return `#/batches/${encodeURIComponent(route.id)}`;
    case 'domain':
      return `#/batches/${encodeURIComponent(route.id)}/domains/${encodeURIComponent(route.domain)}`;
    case 'trace':
      return `#/batches/${encodeURIComponent(route.id)}/trace`;
  }
}
