import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { apiClient, type ServiceName, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

interface Compose {
  'x-trawl-env': Record<string, string>;
  services: Record<string, { volumes?: string[] }>;
}
interface PrometheusConfig {
  scrape_configs: { metrics_path: string; dns_sd_configs: { names: string[]; port: number }[] }[];
}
interface Dashboard {
  panels: { id: number; type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
}

const SERVICES: ServiceName[] = ['gateway', 'scheduler', 'scraper', 'aggregator'];
/** Labels Prometheus adds when it scrapes (ops/prometheus/prometheus.yml), not the services. */
const SCRAPE_LABELS = new Set(['instance', 'job']);
/** Counters that have no series in a healthy run (nothing dead-lettered, no dependency down, no span lost). */
const ONLY_WHEN_SOMETHING_FAILS = new Set([
  'trawl_dead_letters_total',
  'trawl_dependency_waits_total',
  'trawl_expired_commands_total',
  'trawl_spans_dropped_total',
]);

/** The metric families an expression reads, and the labels it groups or filters by. */
function readsOf(expr: string): { families: string[]; labels: string[] } {
  const families = [...expr.matchAll(/\b((?:trawl|nodejs|process)_[a-z0-9_]+)/g)].map((m) =>
    m[1]!.replace(/_(bucket|count|sum)$/, ''),
  );
  const grouped = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()));
  const filtered = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
    m[1]!.split(',').map((matcher) => matcher.split(/[=!~]/)[0]!.trim()),
  );
  return { families: [...new Set(families)], labels: [...new Set([...grouped, ...filtered])].filter(Boolean) };
}

/**
 * The metrics stack of docker-compose.yml (Prometheus and Grafana) cannot run here (no Docker), so
 * this checks what can be checked without it: Prometheus scrapes every service where compose runs
 * it, and every query of the provisioned dashboard reads metrics, and labels, that Trawl's
 * services really export.
 */
describe('the Prometheus and Grafana setup of docker-compose.yml', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('metrics-dashboard', {
      // The aggregator counts batches by status every TRAWL_STUCK_AFTER_MS / 4 (1 s here, a minute by default).
      env: { TRAWL_RESOLVE: web.resolveSpec(), SCHEDULER_MAX_ATTEMPTS: '1', TRAWL_STUCK_AFTER_MS: '4000' },
    });
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  it('scrapes /metrics of every service on the port compose gives it, and mounts what it reads', () => {
    const compose = yaml.load(read('docker-compose.yml')) as Compose;
    const config = yaml.load(read('ops/prometheus/prometheus.yml')) as PrometheusConfig;
    const [job] = config.scrape_configs;
    expect(job!.metrics_path).toBe('/metrics');
    const targets = Object.fromEntries(job!.dns_sd_configs.map((sd) => [sd.names[0], sd.port]));
    for (const service of SERVICES) {
      expect(compose.services[service]).toBeDefined();
      expect(targets[service]).toBe(Number(compose['x-trawl-env'][`${service.toUpperCase()}_PORT`]));
    }
    expect(compose.services.prometheus!.volumes).toContain(
      './ops/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
    expect(compose.services.grafana!.volumes).toEqual(
      expect.arrayContaining(['./ops/grafana/provisioning:/etc/grafana/provisioning:ro']),
    );
    const datasource = yaml.load(read('ops/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; url: string }[];
    };
    expect(datasource.datasources[0]).toMatchObject({ uid: 'trawl-prometheus', url: 'http://prometheus:9090' });
  });

  it('has the dashboard read only metrics and labels the services export, once there is work', async () => {
    const api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains: ['md-a.ok.fixture.test', 'md-b.down.fixture.test'],
      max_pages: 2,
    });
    expect(created.status).toBe(202);
    await eventually(
      async () =>
        expect((await api<{ status: string }>('GET', `/api/v1/batches/${created.body.batch_id}`)).body.status).toBe(
          'partial',
        ),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const scrape = async () =>
      (
        await Promise.all(
          SERVICES.map(async (service) => (await fetch(`${trawl.processes.get(service)!.url}/metrics`)).text()),
        )
      ).join('\n');
    // The aggregator's first count of batches by status.
    const exported = await eventually(async () => {
      const text = await scrape();
      expect(text).toMatch(/^trawl_batches\{/m);
      return text;
    });
    const declared = (family: string) => new RegExp(`^# TYPE ${family} `, 'm').test(exported);
    const seriesOf = (family: string) =>
      exported.split('\n').filter((line) => new RegExp(`^${family}(_bucket|_count|_sum)?[{ ]`).test(line));

    const dashboard = JSON.parse(read('ops/grafana/dashboards/trawl.json')) as Dashboard;
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const queries = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(queries.length).toBeGreaterThanOrEqual(15);
    const missing: string[] = [];
    for (const panel of queries) {
      expect(panel.datasource?.uid).toBe('trawl-prometheus');
      for (const { expr } of panel.targets ?? []) {
        const { families, labels } = readsOf(expr);
        expect(families.length).toBeGreaterThan(0);
        for (const family of families) {
          if (!declared(family)) missing.push(`${family} (in "${expr}")`);
          const series = seriesOf(family);
          // Counters of what went wrong have no series until it does; their labels are checked then.
          if (series.length === 0) {
            if (!ONLY_WHEN_SOMETHING_FAILS.has(family)) missing.push(`${family}: no series (in "${expr}")`);
            continue;
          }
          for (const label of labels.filter((l) => !SCRAPE_LABELS.has(l))) {
            if (!series.some((line) => line.includes(`${label}="`))) missing.push(`${family}{${label}} (in "${expr}")`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
