import { httpErrorLine, networkReason } from './gateway-client';
import { resolveConnection } from './gateway-connection';

function fetchFailure(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

describe('networkReason', () => {
  it.each([
    [
      fetchFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })),
      'connection refused',
    ],
    [fetchFailure(Object.assign(new Error('getaddrinfo ENOTFOUND gw'), { code: 'ENOTFOUND' })), 'host not found'],
    [
      fetchFailure(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })),
      'the connection closed unexpectedly',
    ],
    [
      fetchFailure(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'all failed')),
      'connection refused',
    ],
    [fetchFailure(Object.assign(new Error('strange'), { code: 'EWHATEVER' })), 'EWHATEVER'],
    [fetchFailure(new Error('something odd')), 'something odd'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'no answer in time'],
  ])('%#: %s', (error, reason) => {
    expect(networkReason(error)).toBe(reason);
  });
});

describe('httpErrorLine', () => {
  it("gives the API's message in one line", () => {
    const body = JSON.stringify({ statusCode: 409, error: 'Conflict', message: 'batch already ended (complete)' });
    expect(httpErrorLine(409, 'Conflict', body)).toBe(
      'the gateway answered 409 Conflict: batch already ended (complete)',
    );
  });

  it('says that the key was refused on 401', () => {
    const body = JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'unknown or revoked API key' });
    expect(httpErrorLine(401, 'Unauthorized', body)).toBe(
      'the gateway refused the API key (401 Unauthorized: unknown or revoked API key)',
    );
  });

  it('keeps the first line of a body that is not the API error shape', () => {
    expect(httpErrorLine(502, 'Bad Gateway', '<html>\n<body>proxy error</body>')).toBe(
      'the gateway answered 502 Bad Gateway: <html>',
    );
    expect(httpErrorLine(500, '', '')).toBe('the gateway answered 500');
  });
});

describe('resolveConnection', () => {
  it('takes the options first, then the environment, then the default URL', () => {
    expect(resolveConnection({ gateway: 'http://gw:8080/', key: 'k1' }, { TRAWL_API_KEY: 'k2' })).toEqual({
      baseUrl: 'http://gw:8080',
      key: 'k1',
    });
    expect(resolveConnection({}, { TRAWL_GATEWAY: 'https://trawl.example/base/', TRAWL_API_KEY: 'k2' })).toEqual({
      baseUrl: 'https://trawl.example/base',
      key: 'k2',
    });
    expect(resolveConnection({}, { TRAWL_API_KEY: 'k2' })).toEqual({ baseUrl: 'http://127.0.0.1:3000', key: 'k2' });
  });

  it('refuses a missing key and a URL that is not http in one line', () => {
    expect(() => resolveConnection({}, {})).toThrow(/^no API key: give --key KEY or set TRAWL_API_KEY/);
    expect(() => resolveConnection({ gateway: 'gw:3000', key: 'k' }, {})).toThrow(/must be http:\/\/ or https:\/\//);
    expect(() => resolveConnection({ gateway: 'not a url', key: 'k' }, {})).toThrow(/is not a URL/);
  });
});
