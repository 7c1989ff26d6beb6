import { createMessage, encodeMessage } from '@trawl/contracts';
import { decodeFor } from './decoding';
import { headerStrings, isOfTypes } from './delivery';

const batchId = '0b8f1c9e-8f5e-4a57-9a3e-1f2d3c4b5a69';
const requested = createMessage({
  type: 'batch.requested',
  tenant: 't',
  batchId,
  data: {
    domains: ['example.com'],
    max_pages: 3,
    max_concurrent_jobs: 2,
    metadata: {},
    requested_at: new Date().toISOString(),
    trace_id: null,
    idempotency_key: null,
  },
});

describe('decodeFor', () => {
  it('delivers a valid message of a type the consumer takes', () => {
    const decoded = decodeFor({ value: encodeMessage(requested) }, ['batch.requested', 'batch.started']);
    expect(decoded).toEqual({ kind: 'wanted', message: requested });
  });

  it('skips a valid message of another type on the same topic', () => {
    expect(decodeFor({ value: encodeMessage(requested) }, ['domain.scrape'])).toEqual({
      kind: 'other',
      message: requested,
    });
  });

  it('says why a record cannot be decoded', () => {
    expect(decodeFor({ value: Buffer.from('not json') }, ['batch.requested'])).toMatchObject({
      kind: 'undecodable',
      reason: expect.stringMatching(/^undecodable: not JSON/) as unknown,
    });
    expect(decodeFor({ value: null }, ['batch.requested'])).toEqual({
      kind: 'undecodable',
      reason: 'undecodable: empty message',
    });
    const future = Buffer.from(JSON.stringify({ ...requested, version: 2 }));
    expect(decodeFor({ value: future }, ['batch.requested'])).toMatchObject({
      kind: 'undecodable',
      reason: expect.stringContaining('unsupported version 2') as unknown,
    });
    const badPayload = Buffer.from(JSON.stringify({ ...requested, data: { domains: 'example.com' } }));
    expect(decodeFor({ value: badPayload }, ['batch.requested'])).toMatchObject({
      kind: 'undecodable',
      reason: expect.stringContaining('invalid "batch.requested" payload') as unknown,
    });
  });
});

describe('isOfTypes and headerStrings', () => {
  it('narrows a message to the types given', () => {
    expect(isOfTypes(requested, ['batch.requested'])).toBe(true);
    expect(isOfTypes(requested, ['domain.scrape', 'batch.started'])).toBe(false);
    expect(isOfTypes(requested, [])).toBe(false);
  });

  it('reads the first value of each header as a string', () => {
    expect(
      headerStrings({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('1'), Buffer.from('2')], d: undefined, e: [] }),
    ).toEqual({ a: 'x', b: 'y', c: '1' });
    expect(headerStrings(undefined)).toEqual({});
  });
});
