/**
 * /metrics as scrapers see it: the format from Accept, gzip from Accept-Encoding, the process families, and a real
 * Prometheus (which asks for OpenMetrics and gzip) ingesting it, hostile label values included.
 */
import type net from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { startNodeExporter, type RunningNodeExporter } from '../../../tests/harness/nodeExporter';
import { startPrometheus, type RunningPrometheus } from '../../../tests/harness/prometheus';
import { DROPPED_DEFAULT_METRICS } from '../../src/metrics/exposition';
import { parseExposition, testApp, testConfig } from '../support/app';
import { promtoolCheckMetrics } from '../support/promtool';

const HOSTILE = 'Muon "v2" \\ back\nslash ünï';
const OM = 'application/openmetrics-text;version=1.0.0';

let node: RunningNodeExporter;
let prom: RunningPrometheus;
let app: FastifyInstance;

async function until(check: () => Promise<boolean>, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

const get = (headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: '/metrics', headers });
const familiesOf = (text: string) => [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]);

beforeAll(async () => {
  node = await startNodeExporter();
  prom = await startPrometheus({
    scrapeIntervalSeconds: 1,
    scrapeConfigs: [
      {
        job_name: 'node',
        static_configs: [{ targets: [node.address], labels: { cloud_project_name: 'IDAaaS', machine_name: HOSTILE } }],
      },
    ],
  });
  await until(async () => (await prom.query('node_boot_time_seconds{job="node"}')).result.length > 0);
  app = await testApp(
    testConfig({
      prometheus: { url: prom.url, selector: 'job="node"' },
      carbonIntensity: { url: 'http://127.0.0.1:9' },
    })
  );
  await app.tracker.refresh();
}, 90000);

afterAll(async () => {
  await app?.close();
  await Promise.all([prom?.stop(), node?.stop()]);
});

describe('/metrics formats', () => {
  it('is Prometheus text by default, with process families that promtool accepts', async () => {
    const res = await get();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.vary).toBe('Accept, Accept-Encoding');
    expect(res.headers['content-encoding']).toBeUndefined();
    const names = familiesOf(res.body).map(([n]) => n);
    expect(names).toEqual(
      expect.arrayContaining([
        'ada_carbon_workspace_energy_joules_total',
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'process_start_time_seconds',
        'nodejs_eventloop_lag_p99_seconds',
      ])
    );
    for (const dropped of DROPPED_DEFAULT_METRICS) expect(names).not.toContain(dropped);
    expect(res.body).toContain(`machine="Muon \\"v2\\" \\\\ back\\nslash ünï"`);
    expect(promtoolCheckMetrics(res.body)).toBe('');
  });

  it('is OpenMetrics when asked, counters named without _total in TYPE and ending in # EOF once', async () => {
    const res = await get({ accept: OM });
    expect(res.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(res.body.endsWith('\n# EOF\n')).toBe(true);
    expect(res.body.match(/^# EOF$/gm)).toHaveLength(1);
    expect(res.body).not.toMatch(/\n\n/);
    const types = new Map(familiesOf(res.body) as Array<[string, string]>);
    expect(types.get('ada_carbon_workspace_energy_joules')).toBe('counter');
    expect(types.get('process_cpu_seconds')).toBe('counter');
    expect(types.has('ada_carbon_workspace_energy_joules_total')).toBe(false);
    // the same samples as the text format, apart from the process families, which are read at each scrape
    const own = (text: string) =>
      [...parseExposition(text)].filter(([k]) => k.startsWith('ada_carbon_') && !k.includes('render_duration'));
    expect(own(res.body)).toEqual(own((await get()).body));
  });

  it('is gzip when accepted, decoding to the same body, and plain when gzip is refused', async () => {
    const plain = await get({ accept: OM });
    const zipped = await get({ accept: OM, 'accept-encoding': 'gzip, deflate' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const decoded = gunzipSync(zipped.rawPayload).toString('utf8');
    const stable = (t: string) => t.split('\n').filter((l) => l.startsWith('ada_carbon_') && !l.includes('render'));
    expect(stable(decoded)).toEqual(stable(plain.body));
    expect(decoded.endsWith('\n# EOF\n')).toBe(true);
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    const refused = await get({ 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(promtoolCheckMetrics(refused.body)).toBe('');
  });
});

describe('a real Prometheus scraping /metrics (it asks for OpenMetrics and gzip)', () => {
  let scraper: RunningPrometheus;
  beforeAll(async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as net.AddressInfo).port;
    scraper = await startPrometheus({
      scrapeIntervalSeconds: 1,
      scrapeConfigs: [{ job_name: 'ada-carbon', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
    });
    await until(async () => (await scraper.query('up{job="ada-carbon"}')).result.length > 0);
  }, 60000);
  afterAll(() => scraper?.stop());

  it('ingests every sample: up is 1 and the hostile workspace, counters and process families are there', async () => {
    await until(async () => (await scraper.query('ada_carbon_workspace_cpus')).result.length > 0);
    expect((await scraper.query('up{job="ada-carbon"}')).result[0]?.value[1]).toBe('1');
    const cpus = await scraper.query('ada_carbon_workspace_cpus');
    expect(cpus.result.map((r) => r.metric.machine)).toEqual([HOSTILE]);
    const cycles = await scraper.query('ada_carbon_tracking_cycles_total{result="ok"}');
    expect(Number(cycles.result[0]?.value[1])).toBeGreaterThanOrEqual(1);
    expect((await scraper.query('process_resident_memory_bytes')).result).toHaveLength(1);
    expect((await scraper.query('{__name__=~"nodejs_active_.*_total"}')).result).toHaveLength(0);
    // every sample line of the app's own families was ingested, one series each; the process families are left
    // out of the count because a GC of a kind not seen before adds a histogram between the scrape and this read
    const ownLines = async () =>
      (await get({ accept: OM })).body.split('\n').filter((l) => l.startsWith('ada_carbon_')).length;
    const ingested = async () =>
      Number((await scraper.query('count({job="ada-carbon",__name__=~"ada_carbon_.+"})')).result[0]?.value[1] ?? 0);
    await until(async () => (await ingested()) === (await ownLines()), 10000).catch(() => undefined);
    expect(await ingested()).toBe(await ownLines());
    const scraped = Number((await scraper.query('scrape_samples_scraped{job="ada-carbon"}')).result[0]?.value[1]);
    expect(scraped).toBeGreaterThan(await ownLines());
  });
});
