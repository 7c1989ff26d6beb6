import { parseWindow } from './window';

describe('parseWindow', () => {
  it.each([
    ['15m', 15 * 60_000],
    ['6h', 6 * 3_600_000],
    ['24h', 24 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['90d', 90 * 86_400_000],
    ['2160h', 90 * 86_400_000],
    [' 1m ', 60_000],
  ])('%j is %d ms', (raw, ms) => {
    expect(parseWindow(raw)?.ms).toBe(ms);
  });

  it('labels the window without leading zeros', () => {
    expect(parseWindow('007d')).toEqual({ label: '7d', ms: 7 * 86_400_000 });
  });

  it.each([
    ['91d'],
    ['2161h'],
    ['0m'],
    ['0d'],
    [''],
    ['24'],
    ['h'],
    ['1.5h'],
    ['-1h'],
    ['1w'],
    ['1H'],
    ['24 h'],
    ['1234567m'],
  ])('refuses %j', (raw) => {
    expect(parseWindow(raw)).toBeUndefined();
  });
});
