/**
 * Traces of a big batch, and what tracing costs: one batch of --domains sites of the bench web
 * (bench-web.ts) with max_pages 1 through the four real services, run with tracing on (the
 * defaults: SCRAPER_PAGE_SPANS_PERCENT 10) and with tracing off (OTEL_SDK_DISABLED=true), each on
 * fresh services. For the traced run: the batch trace's span count, JSON size and fetch time from
 * Jaeger's query API, and the number and sizes of the domain-attempt traces (Jaeger's search by
 * trawl.batch.id); for both: POST → complete, domains/s, and each service's peak RSS.
 * Usage: npm run bench -- trace-size [--domains 10000 --concurrency 100 --latency 20 --variants on,off,off,on]
 */
import fs from 'node:fs';
import os from 'node:os';
import { attemptTraces, danglingParents, jaegerTrace, type JaegerTrace } from '../test/support/jaeger-traces';
import { stackEnv } from '../test/support/stack-env';
import { apiClient, type ServiceName, TrawlUnderTest } from '../test/support/trawl-services';
import { type BenchWeb, startBenchWeb } from './bench-web';
import { processCpuMs, rssMb } from './proc-stats';
import { numberFlag, textFlag } from './flags';

/** Poll the status document this often (each read of a 10,000-domain document costs the gateway CPU). */
const POLL_MS = 1_000;
const SERVICES: ServiceName[] = ['gateway', 'scheduler', 'scraper', 'aggregator'];
const TERMINAL = ['complete', 'partial', 'failed', 'cancelled'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The stack's Jaeger process, if it runs on this machine (its CPU is part of what tracing costs). */
function jaegerPid(): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (/(^|\/)jaeger\0/.test(cmdline)) return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}

interface Doc {
  status: string;
  trace_id: string | null;
  completed_domains: number;
  failed_domains: number;
}

interface Run {
  variant: string;
  seconds: number;
  domainsPerSecond: number;
  status: string;
  maxRssMb: Record<ServiceName, number>;
  /** CPU ms per domain of each service, and of Jaeger (ingesting the spans). */
  cpuMsPerDomain: Record<ServiceName | 'jaeger', number>;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

async function timedJson(url: string): Promise<{ ms: number; bytes: number; body: unknown }> {
  const started = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return { ms, bytes: Buffer.byteLength(text), body: JSON.parse(text) as unknown };
}

/** The batch trace and the domain traces, once the span counts stop moving (every exporter flushed). */
async function traceFigures(batchId: string, traceId: string, domains: number): Promise<void> {
  const jaeger = stackEnv().JAEGER_QUERY_URL;
  let previous = -1;
  let batch: JaegerTrace | undefined;
  for (let tries = 0; tries < 30; tries += 1) {
    await sleep(2_000);
    batch = await jaegerTrace(jaeger, traceId);
    const count = batch?.spans.length ?? 0;
    if (count > 0 && count === previous) break;
    previous = count;
  }
  const fetched = await timedJson(`${jaeger}/api/traces/${traceId}`);
  const names = new Map<string, number>();
  for (const span of batch?.spans ?? []) names.set(span.operationName, (names.get(span.operationName) ?? 0) + 1);
  process.stdout.write(
    `  batch trace ${traceId}: ${batch?.spans.length ?? 0} spans, ${(fetched.bytes / 1024).toFixed(1)} KB JSON, ` +
      `fetched in ${fetched.ms.toFixed(0)} ms; dangling parents ${batch ? danglingParents(batch).length : '-'}\n` +
      `    ${[...names].map(([name, count]) => `${name} ×${count}`).join(', ')}\n`,
  );

  // Every domain attempt's trace, by Jaeger's search on trawl.batch.id (settled: the count stops moving).
  let attempts: JaegerTrace[] = [];
  let searchMs = 0;
  let spans = -1;
  for (let tries = 0; tries < 10; tries += 1) {
    const started = performance.now();
    attempts = await attemptTraces(jaeger, batchId, domains * 2);
    searchMs = performance.now() - started;
    const total = attempts.reduce((sum, one) => sum + one.spans.length, 0);
    if (total === spans) break;
    spans = total;
    await sleep(3_000);
  }
  const sizes = attempts.map((one) => one.spans.length).sort((a, b) => a - b);
  const bytes = attempts.map((one) => Buffer.byteLength(JSON.stringify({ data: [one] }))).sort((a, b) => a - b);
  const dangling = attempts.filter((one) => danglingParents(one).length > 0).length;
  const withPages = attempts.filter((one) => one.spans.some((span) => span.operationName === 'GET page')).length;
  process.stdout.write(
    `  domain traces: ${attempts.length} (search took ${(searchMs / 1000).toFixed(1)} s); spans per trace ` +
      `min ${sizes[0]} / median ${quantile(sizes, 0.5)} / p99 ${quantile(sizes, 0.99)} / max ${sizes[sizes.length - 1]}; ` +
      `JSON per trace median ${(quantile(bytes, 0.5) / 1024).toFixed(1)} KB / max ${((bytes[bytes.length - 1] ?? 0) / 1024).toFixed(1)} KB; ` +
      `${sizes.reduce((a, b) => a + b, 0)} spans in all; ${withPages} with page spans; ${dangling} with dangling parents\n`,
  );
  const sample = attempts[Math.floor(attempts.length / 2)];
  if (sample) {
    const one = await timedJson(`${jaeger}/api/traces/${sample.traceID}`);
    process.stdout.write(
      `  one domain trace by id: ${(one.bytes / 1024).toFixed(1)} KB, fetched in ${one.ms.toFixed(0)} ms\n`,
    );
  }
}

async function run(
  web: BenchWeb,
  variant: 'on' | 'off',
  options: { domains: number; concurrency: number; traceFigures: boolean },
): Promise<Run> {
  const trawl = await TrawlUnderTest.start(`bench-trace-${variant}`, {
    env: {
      TRAWL_RESOLVE: web.resolveSpec(),
      SCRAPER_CONCURRENCY: String(options.concurrency),
      SCRAPER_POLITENESS_DELAY_MS: '0',
      LOG_LEVEL: 'warn',
      ...(variant === 'off' ? { OTEL_SDK_DISABLED: 'true' } : {}),
    },
  });
  const maxRss = Object.fromEntries(SERVICES.map((name) => [name, 0])) as Record<ServiceName, number>;
  const sample = () => {
    for (const name of SERVICES) {
      const pid = trawl.processes.get(name)?.child.pid;
      try {
        if (pid !== undefined) maxRss[name] = Math.max(maxRss[name], rssMb(pid));
      } catch {
        // exited; the batch status says so
      }
    }
  };
  const sampler = setInterval(sample, 250);
  try {
    const api = apiClient(trawl.gatewayUrl, await trawl.apiKey('bench'));
    const domains = web.hosts.slice(0, options.domains);
    sample();
    const pids = Object.fromEntries(SERVICES.map((name) => [name, trawl.processes.get(name)!.child.pid!])) as Record<
      ServiceName,
      number
    >;
    const jaeger = variant === 'on' ? jaegerPid() : undefined;
    const cpu = () => ({
      ...(Object.fromEntries(SERVICES.map((name) => [name, processCpuMs(pids[name])])) as Record<ServiceName, number>),
      jaeger: jaeger === undefined ? 0 : processCpuMs(jaeger),
    });
    const cpuBefore = cpu();
    const started = performance.now();
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains,
      max_pages: 1,
      max_concurrent_jobs: Math.min(100, options.concurrency),
    });
    if (created.status !== 202) throw new Error(`POST answered ${created.status}: ${JSON.stringify(created.body)}`);
    let doc: Doc;
    for (;;) {
      doc = (await api<Doc>('GET', `/api/v1/batches/${created.body.batch_id}`)).body;
      if (TERMINAL.includes(doc.status)) break;
      if (performance.now() - started > 30 * 60_000) throw new Error(`not terminal after 30 min: ${doc.status}`);
      await sleep(POLL_MS);
    }
    const seconds = (performance.now() - started) / 1000;
    sample();
    // Jaeger ingests what the exporters send up to a second or two after the work.
    await sleep(variant === 'on' ? 3_000 : 0);
    const cpuAfter = cpu();
    const cpuMsPerDomain = Object.fromEntries(
      (Object.keys(cpuAfter) as (ServiceName | 'jaeger')[]).map((name) => [
        name,
        (cpuAfter[name] - cpuBefore[name]) / domains.length,
      ]),
    ) as Run['cpuMsPerDomain'];
    const result: Run = {
      variant: variant === 'on' ? 'tracing on' : 'tracing off (OTEL_SDK_DISABLED=true)',
      seconds,
      domainsPerSecond: domains.length / seconds,
      status: `${doc.status} (${doc.completed_domains} completed, ${doc.failed_domains} failed)`,
      maxRssMb: maxRss,
      cpuMsPerDomain,
    };
    process.stdout.write(
      `  ${result.variant}: ${result.status}, POST → terminal ${seconds.toFixed(1)} s, ` +
        `${result.domainsPerSecond.toFixed(1)} domains/s; peak RSS MB ` +
        `${SERVICES.map((name) => `${name} ${maxRss[name].toFixed(0)}`).join(', ')}\n` +
        `    CPU ms per domain: ${Object.entries(cpuMsPerDomain)
          .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
          .join(', ')}; services' sum ${SERVICES.reduce((sum, name) => sum + cpuMsPerDomain[name], 0).toFixed(2)}\n`,
    );
    if (variant === 'on' && doc.trace_id && options.traceFigures) {
      await traceFigures(created.body.batch_id, doc.trace_id, domains.length);
      sample();
      process.stdout.write(
        `  peak RSS MB after the traces were read: ${SERVICES.map((name) => `${name} ${maxRss[name].toFixed(0)}`).join(', ')}\n`,
      );
    }
    return result;
  } finally {
    clearInterval(sampler);
    await trawl.stop();
  }
}

async function main(): Promise<void> {
  const domains = numberFlag('domains', 10_000);
  const concurrency = numberFlag('concurrency', 100);
  const latencyMs = numberFlag('latency', 20);
  const variants = textFlag('variants', 'on,off,off,on')
    .split(',')
    .map((value) => value.trim())
    .filter((value): value is 'on' | 'off' => value === 'on' || value === 'off');
  process.stdout.write(
    `${new Date().toISOString()}, os.availableParallelism() ${os.availableParallelism()}, load ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}; ${domains} domains, max_pages 1, SCRAPER_CONCURRENCY ${concurrency}, latency ${latencyMs} ms ±50%\n`,
  );
  const web = await startBenchWeb({ sites: domains, pagesPerSite: 1, latencyMs, jitter: 0.5, distinctSites: 200 });
  const runs: Run[] = [];
  try {
    for (const variant of variants) {
      const traceFigures = variant === 'on' && !runs.some((one) => one.variant === 'tracing on');
      runs.push(await run(web, variant, { domains, concurrency, traceFigures }));
    }
  } finally {
    await web.close();
  }
  // Several runs of each variant (e.g. --variants on,off,off,on): the mean of each.
  const mean = (label: (one: Run) => boolean, value: (one: Run) => number) => {
    const chosen = runs.filter(label);
    return chosen.reduce((sum, one) => sum + value(one), 0) / chosen.length;
  };
  const isOn = (one: Run) => one.variant === 'tracing on';
  const isOff = (one: Run) => !isOn(one);
  if (runs.some(isOn) && runs.some(isOff)) {
    const rate = (one: Run) => one.domainsPerSecond;
    const cpu = (one: Run) => one.cpuMsPerDomain.scheduler + one.cpuMsPerDomain.scraper + one.cpuMsPerDomain.aggregator;
    const cpuOn = mean(isOn, cpu) + mean(isOn, (one) => one.cpuMsPerDomain.jaeger);
    process.stdout.write(
      `\nthroughput, tracing on / off (mean of ${runs.filter(isOn).length} / ${runs.filter(isOff).length} runs): ` +
        `${mean(isOn, rate).toFixed(1)} / ${mean(isOff, rate).toFixed(1)} domains/s = ` +
        `${(mean(isOn, rate) / mean(isOff, rate)).toFixed(2)}×\n` +
        `CPU ms per domain, scheduler + scraper + aggregator: on ${mean(isOn, cpu).toFixed(2)} (+ Jaeger ` +
        `${mean(isOn, (one) => one.cpuMsPerDomain.jaeger).toFixed(2)}), off ${mean(isOff, cpu).toFixed(2)}: ` +
        `off / on = ${(mean(isOff, cpu) / cpuOn).toFixed(2)}× with Jaeger, ${(mean(isOff, cpu) / mean(isOn, cpu)).toFixed(2)}× without\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
