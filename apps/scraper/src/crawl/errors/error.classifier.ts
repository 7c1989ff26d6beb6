import { CRAWL_ERROR_CLASSES, ClassifiedError, type CrawlErrorClass } from './crawl-error';

/**
 * Maps an error to its class from error codes only (Node `code`, undici `UND_ERR_*`, our own
 * `TRAWL_*`), never from message text. Abort/deadline errors are not classified here: the caller
 * knows which of its own signals fired and decides between 'timeout' and 'aborted'.
 */
const CLASS_BY_CODE: Readonly<Record<string, CrawlErrorClass>> = {
  // DNS
  ENOTFOUND: 'dns_not_found',
  EAI_NONAME: 'dns_not_found',
  EAI_NODATA: 'dns_not_found',
  EAI_FAIL: 'dns_not_found',
  ENODATA: 'dns_not_found',
  // A DNS server that did not answer is a transient condition, not a missing name.
  EAI_AGAIN: 'timeout',
  ETIMEOUT: 'timeout',
  // Could not connect
  ECONNREFUSED: 'connection_refused',
  EHOSTUNREACH: 'connection_refused',
  ENETUNREACH: 'connection_refused',
  EHOSTDOWN: 'connection_refused',
  EADDRNOTAVAIL: 'connection_refused',
  // Connected, then lost
  ECONNRESET: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_CLOSED: 'connection_reset',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'connection_reset',
  // Time limits of the transport itself
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  // The server spoke something that is not valid HTTP/1.1
  UND_ERR_HEADERS_OVERFLOW: 'http_server_error',
  UND_ERR_INFO: 'http_server_error',
  UND_ERR_RESPONSE: 'http_server_error',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'body_too_large',
  // TLS
  EPROTO: 'tls_error',
  CERT_HAS_EXPIRED: 'tls_error',
  CERT_NOT_YET_VALID: 'tls_error',
  CERT_REVOKED: 'tls_error',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls_error',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls_error',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls_error',
  UNABLE_TO_GET_ISSUER_CERT: 'tls_error',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls_error',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls_error',
  ERR_TLS_HANDSHAKE_TIMEOUT: 'timeout',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls_error',
};

/** Code prefixes, checked after exact codes. */
const CLASS_BY_CODE_PREFIX: ReadonlyArray<readonly [string, CrawlErrorClass]> = [
  ['HPE_', 'http_server_error'], // llhttp parser errors: malformed response
  ['ERR_SSL_', 'tls_error'],
  ['ERR_TLS_', 'tls_error'],
  ['ERR_OSSL_', 'tls_error'],
  // A compressed body that does not decompress (zlib, brotli, zstd): the server sent broken data.
  ['Z_', 'http_server_error'],
  ['ERR__ERROR_', 'http_server_error'],
  ['ERR_BROTLI_', 'http_server_error'],
  ['ERR_ZSTD_', 'http_server_error'],
];

const MAX_CAUSE_DEPTH = 5;

/** Every error code found on the error, its `cause` chain and (for AggregateError) its members. */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > MAX_CAUSE_DEPTH || typeof value !== 'object' || value === null) return;
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) codes.push(code);
    if (value instanceof AggregateError) {
      for (const member of value.errors.slice(0, 10)) visit(member, depth + 1);
    }
    visit((value as { cause?: unknown }).cause, depth + 1);
  };
  visit(error, 0);
  return codes;
}

const TRAWL_CODE_PREFIX = 'TRAWL_';

export function classifyCode(code: string): CrawlErrorClass | undefined {
  if (code.startsWith(TRAWL_CODE_PREFIX)) {
    const candidate = code.slice(TRAWL_CODE_PREFIX.length).toLowerCase();
    return (CRAWL_ERROR_CLASSES as string[]).includes(candidate) ? (candidate as CrawlErrorClass) : undefined;
  }
  const exact = CLASS_BY_CODE[code];
  if (exact) return exact;
  for (const [prefix, errorClass] of CLASS_BY_CODE_PREFIX) {
    if (code.startsWith(prefix)) return errorClass;
  }
  return undefined;
}

/** The class of an error raised by a fetch. Unknown errors are 'internal' (not retryable). */
export function classifyError(error: unknown): CrawlErrorClass {
  if (error instanceof ClassifiedError) return error.errorClass;
  for (const code of errorCodes(error)) {
    const errorClass = classifyCode(code);
    if (errorClass) return errorClass;
  }
  return 'internal';
}

/** The class of a final HTTP status that is not a success, or undefined for 2xx. */
export function classifyStatus(status: number): CrawlErrorClass | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status === 408 || status === 425 || status === 429) return 'http_throttled';
  if (status >= 400 && status < 500) return 'http_client_error';
  // 5xx, and anything else that is neither success nor a followable redirect (e.g. 3xx without Location).
  return 'http_server_error';
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = errorCodes(error)[0];
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
