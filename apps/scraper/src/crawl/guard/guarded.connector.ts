import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import type { HostResolver } from './resolve-overrides';
import { guardedLookup, isBlockedAddress, ssrfBlocked } from './ssrf.guard';

export interface GuardedConnectorOptions {
  resolver: HostResolver;
  connectTimeoutMs: number;
}

/**
 * An undici connector that enforces the SSRF guard on the address actually connected to:
 * 1. hosts matched by a TRAWL_RESOLVE override connect to their configured address (any range);
 * 2. IP-literal hosts (which a lookup hook never sees) are checked before connecting;
 * 3. names go through a guarded DNS lookup;
 * 4. after connecting, the socket's remote address is checked again (belt and braces).
 * The URL and Host header keep the original name; TLS uses it as SNI.
 */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const { resolver } = options;
  const base = buildConnector({ timeout: options.connectTimeoutMs, lookup: guardedLookup });

  return (connectOptions, callback) => {
    const hostname = connectOptions.hostname.toLowerCase();
    const override = resolver.resolve(hostname);
    if (override) {
      base(
        {
          ...connectOptions,
          hostname: override.ip,
          port: String(override.port),
          servername: connectOptions.servername || (isIP(hostname) ? undefined : hostname),
        },
        callback,
      );
      return;
    }
    if (isIP(hostname) !== 0 && isBlockedAddress(hostname)) {
      callback(ssrfBlocked(hostname, hostname), null);
      return;
    }
    base(connectOptions, (error, socket) => {
      if (error) {
        callback(error, null);
        return;
      }
      const remote = socket.remoteAddress;
      if (remote === undefined || isBlockedAddress(remote)) {
        socket.destroy();
        callback(ssrfBlocked(hostname, remote ?? '(unknown)'), null);
        return;
      }
      callback(null, socket);
    });
  };
}
