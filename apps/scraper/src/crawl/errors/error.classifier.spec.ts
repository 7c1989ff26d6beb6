import { CRAWL_ERROR_CLASSES, DomainCrawlError, ClassifiedError, RETRYABLE_BY_CLASS } from './crawl-error';
import { classifyCode, classifyError, classifyStatus, errorCodes } from './error.classifier';

const withCode = (code: string, message = 'whatever the message says'): Error =>
  Object.assign(new Error(message), { code });

describe('retry table', () => {
  it('retries what passes by itself: the network, the server, the site asking us to wait, our own stop', () => {
    const transient = CRAWL_ERROR_CLASSES.filter((errorClass) => RETRYABLE_BY_CLASS[errorClass]);
    expect(transient.sort()).toEqual(
      ['aborted', 'connection_refused', 'connection_reset', 'http_server_error', 'http_throttled', 'timeout'].sort(),
    );
  });

  it('never retries what would fail the same way: the content, the rules, the address', () => {
    for (const errorClass of [
      'parse_budget_exceeded',
      'body_too_large',
      'robots_disallowed',
      'ssrf_blocked',
    ] as const) {
      expect(new DomainCrawlError(errorClass, 'x').retryable).toBe(false);
    }
  });

  it('DomainCrawlError takes retryable from its class and renders a ScrapeError', () => {
    const error = new DomainCrawlError('timeout', 'x'.repeat(3000));
    expect(error.retryable).toBe(true);
    expect(error.pages).toEqual([]);
    expect(error.toScrapeError()).toEqual({ class: 'timeout', message: 'x'.repeat(2000), retryable: true });
    expect(new DomainCrawlError('dns_not_found', 'no').retryable).toBe(false);
  });
});

describe('classifyError', () => {
  it.each([
    ['ENOTFOUND', 'dns_not_found'],
    ['EAI_AGAIN', 'timeout'],
    ['ECONNREFUSED', 'connection_refused'],
    ['ECONNRESET', 'connection_reset'],
    ['UND_ERR_SOCKET', 'connection_reset'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['CERT_HAS_EXPIRED', 'tls_error'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls_error'],
    ['ERR_SSL_SOMETHING_NEW', 'tls_error'],
    ['HPE_INVALID_CONSTANT', 'http_server_error'],
    ['Z_DATA_ERROR', 'http_server_error'],
    ['ERR__ERROR_FORMAT_PADDING_1', 'http_server_error'],
    ['TRAWL_SSRF_BLOCKED', 'ssrf_blocked'],
    ['TRAWL_NOT_A_CLASS', 'internal'],
    ['SOMETHING_ELSE', 'internal'],
  ])('%s -> %s', (code, expected) => {
    expect(classifyError(withCode(code))).toBe(expected);
  });

  it('never reads the message', () => {
    expect(classifyError(new Error('getaddrinfo ENOTFOUND example.com'))).toBe('internal');
    expect(classifyError(withCode('ECONNREFUSED', 'ENOTFOUND'))).toBe('connection_refused');
  });

  it('looks through cause chains and AggregateErrors', () => {
    expect(classifyError(new Error('outer', { cause: withCode('ECONNRESET') }))).toBe('connection_reset');
    expect(classifyError(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]))).toBe(
      'connection_refused',
    );
    expect(errorCodes(new Error('a', { cause: new Error('b', { cause: withCode('X') }) }))).toEqual(['X']);
  });

  it('uses the class of a ClassifiedError directly', () => {
    expect(classifyError(new ClassifiedError('body_too_large', 'big'))).toBe('body_too_large');
    expect(new ClassifiedError('body_too_large', 'big').code).toBe('TRAWL_BODY_TOO_LARGE');
    expect(classifyCode('TRAWL_ROBOTS_DISALLOWED')).toBe('robots_disallowed');
  });

  it('non-errors are internal', () => {
    expect(classifyError('boom')).toBe('internal');
    expect(classifyError(undefined)).toBe('internal');
  });
});

describe('classifyStatus', () => {
  it('maps statuses to classes', () => {
    expect(classifyStatus(200)).toBeUndefined();
    expect(classifyStatus(204)).toBeUndefined();
    expect(classifyStatus(404)).toBe('http_client_error');
    expect(classifyStatus(429)).toBe('http_throttled');
    expect(classifyStatus(408)).toBe('http_throttled');
    expect(classifyStatus(500)).toBe('http_server_error');
    expect(classifyStatus(503)).toBe('http_server_error');
    expect(classifyStatus(302)).toBe('http_server_error'); // a redirect without Location
  });
});
