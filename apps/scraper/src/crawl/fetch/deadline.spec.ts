import { Deadline } from './deadline';

describe('Deadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fires after its time and says so', () => {
    const deadline = new Deadline(1000);
    jest.advanceTimersByTime(999);
    expect(deadline.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.expired).toBe(true);
    expect(deadline.signal.reason).toMatchObject({ errorClass: 'timeout' });
  });

  it('follows a parent abort without claiming to have expired', () => {
    const parent = new AbortController();
    const deadline = new Deadline(1000, [undefined, parent.signal]);
    parent.abort(new Error('stop'));
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.expired).toBe(false);
    expect((deadline.signal.reason as Error).message).toBe('stop');
  });

  it('starts aborted under an aborted parent', () => {
    const parent = new AbortController();
    parent.abort();
    expect(new Deadline(1000, [parent.signal]).signal.aborted).toBe(true);
  });

  it('dispose clears the timer and the parent listener', () => {
    const parent = new AbortController();
    const deadline = new Deadline(1000, [parent.signal]);
    deadline.dispose();
    jest.advanceTimersByTime(5000);
    parent.abort();
    expect(deadline.signal.aborted).toBe(false);
  });
});
