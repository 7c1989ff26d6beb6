import { normalizeRobotsPath } from './robots.path';

describe('normalizeRobotsPath', () => {
  it('upper-cases percent escapes and percent-encodes non-ASCII characters as UTF-8 octets', () => {
    expect(normalizeRobotsPath('/é%2f')).toBe('/%C3%A9%2F');
    expect(normalizeRobotsPath('/a b')).toBe('/a%20b');
  });

  it('normalises a 1 MiB value in linear time', () => {
    const started = performance.now();
    expect(normalizeRobotsPath(`/${'é%2f'.repeat(256 * 1024)}`)).toHaveLength(1 + 9 * 256 * 1024);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
