import { CliError } from '../cli-output';
import { applyEvent, newWatchState } from './watch-state';

const ID = '282348a7-ac5b-41c2-a279-9eea14a17bcc';

describe('applyEvent', () => {
  it('folds domain, progress and end events, remembering the last event id', () => {
    const state = newWatchState(ID);
    expect(applyEvent(state, { event: 'domain', data: '{"domain":"a.test","status":"pending","attempts":0}' })).toBe(
      'domain',
    );
    expect(state.lastEventId).toBeUndefined();
    applyEvent(state, {
      event: 'domain',
      id: '4',
      data: '{"domain":"a.test","status":"failed","attempts":1,"error_class":"connection_refused"}',
    });
    applyEvent(state, { event: 'domain', id: '5', data: '{"domain":"b.test","status":"succeeded","attempts":1}' });
    const progress =
      '{"status":"partial","total_domains":2,"completed_domains":1,"failed_domains":1,"cancelled_domains":0,"progress":1}';
    expect(applyEvent(state, { event: 'progress', id: '6', data: progress })).toBe('progress');
    // An event without an id leaves the last one as it was.
    expect(applyEvent(state, { event: 'end', data: '{"status":"partial"}' })).toBe('end');
    expect(state.lastEventId).toBe('6');
    expect(state.ended).toBe('partial');
    expect(state.counts).toMatchObject({ status: 'partial', total_domains: 2, failed_domains: 1 });
    expect(Object.fromEntries(state.domains)).toEqual({
      'a.test': { status: 'failed', errorClass: 'connection_refused' },
      'b.test': { status: 'succeeded', errorClass: null },
    });
  });

  it('passes over events it does not know, and refuses malformed ones in one line', () => {
    const state = newWatchState(ID);
    expect(applyEvent(state, { event: 'gossip', data: 'hello' })).toBe('other');
    expect(applyEvent(state, { data: 'plain message' })).toBe('other');
    expect(() => applyEvent(state, { event: 'progress', data: '{"status":"running"}' })).toThrow(CliError);
    expect(() => applyEvent(state, { event: 'domain', data: 'not json' })).toThrow(
      'the gateway sent a malformed "domain" event: not json',
    );
    expect(() => applyEvent(state, { event: 'end', data: '{"status":"finished"}' })).toThrow(CliError);
  });
});
