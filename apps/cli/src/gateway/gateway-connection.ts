import { CliError } from '../cli-output';
import { type GatewayOptions } from '../client-args';

export const DEFAULT_GATEWAY = 'http://127.0.0.1:3000';

/** The gateway's base URL (no trailing slash) and the API key to show it. */
export interface GatewayConnection {
  baseUrl: string;
  key: string;
}

/** --gateway / --key first, then TRAWL_GATEWAY / TRAWL_API_KEY; a missing key or a bad URL is one line. */
export function resolveConnection(options: GatewayOptions, env: NodeJS.ProcessEnv): GatewayConnection {
  const gateway = options.gateway ?? (env.TRAWL_GATEWAY || DEFAULT_GATEWAY);
  let url: URL;
  try {
    url = new URL(gateway);
  } catch {
    throw new CliError(`the gateway URL "${gateway}" (--gateway or TRAWL_GATEWAY) is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`the gateway URL "${gateway}" (--gateway or TRAWL_GATEWAY) must be http:// or https://`);
  }
  const key = options.key ?? env.TRAWL_API_KEY;
  if (!key) {
    throw new CliError(
      'no API key: give --key KEY or set TRAWL_API_KEY (an operator creates one with `trawl keys create --tenant NAME`)',
    );
  }
  return { baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, key };
}
