// kafkajs's request queue is internal; this checks the patch in patches/kafkajs+2.2.4.patch is applied.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: {
  instrumentationEmitter?: unknown;
  maxInFlightRequests: number | null;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  clientId: string;
  broker: string;
  logger: unknown;
}) => {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
  destroy(): void;
};

const quietLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function queue() {
  return new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: { namespace: () => quietLogger },
  });
}

describe('kafkajs request queue (patched)', () => {
  it('arms no timer with nothing queued and no throttling (no 1 ms loop per connection)', () => {
    const q = queue();
    try {
      q.scheduleCheckPendingRequests();
      expect(q.throttleCheckTimeoutId).toBeNull();
    } finally {
      q.destroy();
    }
  });

  it('still checks again when the broker throttles, or when requests wait', () => {
    const throttled = queue();
    const waiting = queue();
    try {
      throttled.throttledUntil = Date.now() + 1_000;
      throttled.scheduleCheckPendingRequests();
      expect(throttled.throttleCheckTimeoutId).not.toBeNull();
      waiting.pending.push({});
      waiting.scheduleCheckPendingRequests();
      expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    } finally {
      throttled.destroy();
      waiting.destroy();
    }
  });
});
