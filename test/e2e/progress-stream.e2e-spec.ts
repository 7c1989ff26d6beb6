import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(120_000);

interface SseEvent {
  event: string;
  id: string | undefined;
  data: Record<string, unknown>;
}

/** Reads a Server-Sent Events response to its end (the server closes it after `end`). */
async function readStream(
  url: string,
  key: string,
  lastEventId?: string,
): Promise<{ status: number; events: SseEvent[] }> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${key}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    signal: AbortSignal.timeout(90_000),
  });
  if (response.status !== 200) return { status: response.status, events: [] };
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await response.text();
  const events = text
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line !== '' && !line.startsWith(':')))
    .filter((lines) => lines.some((line) => line.startsWith('event: ')))
    .map((lines) => {
      const field = (name: string) => lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
      return { event: field('event')!, id: field('id'), data: JSON.parse(field('data')!) as Record<string, unknown> };
    });
  return { status: 200, events };
}

describe("a batch's progress as Server-Sent Events", () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let key: string;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('progress-stream', {
      env: { TRAWL_RESOLVE: web.resolveSpec(), SCHEDULER_MAX_ATTEMPTS: '1' },
    });
    key = await trawl.apiKey('acme');
    api = apiClient(trawl.gatewayUrl, key);
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  it('streams every domain change and the counts until the batch ends, and resumes after Last-Event-ID', async () => {
    const domains = [
      ...Array.from({ length: 5 }, (_, i) => `ps--d300-${i}.slow.fixture.test`),
      'ps-down.down.fixture.test',
    ];
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains,
      max_pages: 1,
      max_concurrent_jobs: 2,
    });
    expect(created.status).toBe(202);
    const url = `${trawl.gatewayUrl}/api/v1/batches/${created.body.batch_id}/events`;
    const live = await readStream(url, key);
    expect(live.status).toBe(200);
    const { events } = live;

    // It ends with the final counts and `end`.
    expect(events[events.length - 1]).toEqual({ event: 'end', id: undefined, data: { status: 'partial' } });
    const progress = events.filter((event) => event.event === 'progress');
    expect(progress[progress.length - 1]!.data).toMatchObject({
      status: 'partial',
      total_domains: 6,
      completed_domains: 5,
      failed_domains: 1,
      progress: 1,
    });
    // Every domain, its changes in order, ending terminal; ids never go back.
    const last = new Map<string, string>();
    for (const event of events.filter((e) => e.event === 'domain')) {
      last.set(event.data.domain as string, event.data.status as string);
    }
    expect(Object.fromEntries(last)).toEqual(
      Object.fromEntries(domains.map((domain) => [domain, domain.includes('down') ? 'failed' : 'succeeded'])),
    );
    expect(events.some((e) => e.event === 'domain' && e.data.status === 'running')).toBe(true);
    const ids = events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // Resuming after an event sends only what changed after it.
    const middle = events.filter((e) => e.id !== undefined)[Math.floor(ids.length / 2)]!;
    const resumed = await readStream(url, key, middle.id);
    const resumedIds = resumed.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
    expect(resumedIds.every((id) => id > Number(middle.id))).toBe(true);
    expect(resumed.events.filter((e) => e.event === 'domain').length).toBeLessThan(
      events.filter((e) => e.event === 'domain').length,
    );
    expect(resumed.events[resumed.events.length - 1]!.event).toBe('end');

    // Resuming past every change (a client that saw ids from a later state, or a made-up one): the
    // counts come without an id lower than the one it holds, then `end`.
    const beyond = String(Math.max(...ids) + 1_000);
    const past = await readStream(url, key, beyond);
    expect(past.events.map((e) => e.event)).toEqual(['progress', 'end']);
    expect(past.events.every((e) => e.id === undefined || Number(e.id) > Number(beyond))).toBe(true);

    // After the end, a new stream is the whole picture at once: each domain once, the counts, `end`.
    const after = await readStream(url, key);
    expect(after.events.filter((e) => e.event === 'domain')).toHaveLength(6);
    expect(after.events.map((e) => e.event).slice(-2)).toEqual(['progress', 'end']);
  });

  it('answers 404 for a batch the tenant cannot see and 400 for a Last-Event-ID that is no id', async () => {
    const unknown = `${trawl.gatewayUrl}/api/v1/batches/00000000-0000-4000-8000-000000000000/events`;
    expect((await readStream(unknown, key)).status).toBe(404);
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', { domains: ['x.ok.fixture.test'] });
    const url = `${trawl.gatewayUrl}/api/v1/batches/${created.body.batch_id}/events`;
    expect((await readStream(url, key, 'yesterday')).status).toBe(400);
    expect((await readStream(url, await trawl.apiKey('other'))).status).toBe(404);
  });
  it('closes open streams when the gateway stops, so it stops at once (clients reconnect elsewhere)', async () => {
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains: ['ps-stop--d20000-long.slow.fixture.test'],
      max_pages: 1,
    });
    const response = await fetch(`${trawl.gatewayUrl}/api/v1/batches/${created.body.batch_id}/events`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(200);
    // Read until the stream is live (its first progress event), then stop the gateway under it.
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('event: progress')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended early: ${received}`);
      received += decoder.decode(value, { stream: true });
    }
    const stopping = Date.now();
    await trawl.terminate('gateway');
    expect(Date.now() - stopping).toBeLessThan(5_000);
    for (;;) {
      const { done } = await reader.read(); // the server ended the stream
      if (done) break;
    }
    await trawl.launch('gateway');
    api = apiClient(trawl.gatewayUrl, key);
  });
});
