import { BATCH_STATUSES } from '@trawl/contracts';
import { exitCodeForBatchStatus } from './exit-codes';

describe('exitCodeForBatchStatus', () => {
  it.each([
    ['complete', 0],
    ['partial', 3],
    ['failed', 4],
    ['cancelled', 5],
    ['pending', 1],
    ['running', 1],
  ] as const)('%s → %d', (status, code) => {
    expect(exitCodeForBatchStatus(status)).toBe(code);
  });

  it('gives each ended status its own code, none of them 1 (error) or 2 (usage)', () => {
    const ended = BATCH_STATUSES.filter((status) => !['pending', 'running'].includes(status));
    const codes = ended.map(exitCodeForBatchStatus);
    expect(new Set(codes).size).toBe(ended.length);
    expect(codes).not.toContain(1);
    expect(codes).not.toContain(2);
  });
});
