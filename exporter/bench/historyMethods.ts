// The methods the usage-history benchmark (history.ts) compares, each run in a child process of its own.
import path from 'node:path';
import { DEFAULTS, type Config } from '../src/config';
import { modeRegex, modeState } from '../src/model/modes';
import { PrometheusClient } from '../src/sources/prometheus';
import { CarbonIntensityClient } from '../src/sources/carbon';
import { openHistory } from '../src/history/context';
import { chunkHoursForBench, historyQueries } from './historySupport';

export interface Result {
  method: string;
  requests: number;
  wallSeconds: number;
  peakRssMb: number;
  busyCpuSeconds: number;
  idleCpuSeconds: number;
  responseMb: number;
  serverSeconds: number;
  /** CPU time of the method's own process (user + system) while it ran, startup not included */
  cpuSeconds: number;
}

/** The parts of a Prometheus query answer read here; R is the shape of one result (instant or range). */
interface QueryAnswer<R> {
  data: { result: R[]; stats?: { timings?: { execTotalTime?: number } } };
}
interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

async function post<R>(
  url: string,
  pathName: string,
  params: Record<string, string>
): Promise<{ body: QueryAnswer<R>; bytes: number }> {
  const r = await fetch(url + pathName, { method: 'POST', body: new URLSearchParams(params) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${pathName} ${r.status}: ${text.slice(0, 200)}`);
  return { body: JSON.parse(text) as QueryAnswer<R>, bytes: text.length };
}

/** Runs one method (hourly, floor, floor-busy-idle, else the backfill) with the arguments main() passed. */
export async function child(method: string, a: Record<string, string>): Promise<Result> {
  const prom = a.prom!;
  const from = Number(a.from);
  const to = Number(a.to);
  const projects = a.projects!.split(',');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let requests = 0;
  let bytes = 0;
  let busy = 0;
  let idle = 0;
  let serverSeconds = 0;
  if (method === 'hourly') {
    for (const p of projects) {
      for (let t = from + 3600; t <= to; t += 3600) {
        const res = await post<InstantSample>(prom, '/api/v1/query', {
          query: `increase(node_cpu_seconds_total{cloud_project_name="${p}"}[1h])`,
          time: String(t),
          stats: 'all',
        });
        requests++;
        bytes += res.bytes;
        serverSeconds += res.body.data.stats?.timings?.execTotalTime ?? 0;
        for (const s of res.body.data.result) {
          const st = modeState(s.metric.mode ?? '');
          if (st === 'busy') busy += Number(s.value[1]);
          else if (st === 'idle') idle += Number(s.value[1]);
        }
      }
    }
  } else if (method === 'floor' || method === 'floor-busy-idle') {
    const range = `[${to - from}s]`;
    const tag = (expr: string, state: string): string => `label_replace(${expr}, "state", "${state}", "", "")`;
    const parts = [
      tag(`increase(node_cpu_seconds_total{mode=~"${modeRegex('busy')}"}${range})`, 'busy'),
      tag(`increase(node_cpu_seconds_total{mode=~"${modeRegex('idle')}"}${range})`, 'idle'),
    ];
    // the same samples the backfill reads: every mode (the sum-check's "other" too), active memory and boot time
    if (method === 'floor') {
      parts.push(
        tag(`increase(node_cpu_seconds_total{mode!~"${modeRegex('busy')}|${modeRegex('idle')}"}${range})`, 'other'),
        tag(`avg_over_time(node_memory_Active_bytes${range})`, 'memory'),
        tag(`max_over_time(node_boot_time_seconds${range})`, 'boot')
      );
    }
    const q = `sum by (state) (${parts.join(' or ')})`;
    const res = await post<InstantSample>(prom, '/api/v1/query', { query: q, time: String(to), stats: 'all' });
    requests = 1;
    bytes = res.bytes;
    serverSeconds = res.body.data.stats?.timings?.execTotalTime ?? 0;
    for (const s of res.body.data.result) {
      if (s.metric.state === 'busy') busy += Number(s.value[1]);
      else if (s.metric.state === 'idle') idle += Number(s.value[1]);
    }
  } else {
    const config: Config = structuredClone(DEFAULTS);
    config.prometheus.url = prom;
    config.prometheus.timeoutSeconds = 120;
    config.carbonIntensity.url = a.carbon!;
    config.store.sqlite.path = path.join(a.dir!, `history-${process.pid}.sqlite`);
    if (a.hoursPerQuery) config.history.hoursPerQuery = Number(a.hoursPerQuery);
    if (a.targetHoursInFlight) config.history.targetHoursInFlight = Number(a.targetHoursInFlight);
    // ADA_BENCH_REMOTE_READ=on|off: how the raw counters are read (history.remoteRead)
    const rr = process.env.ADA_BENCH_REMOTE_READ;
    if (rr === 'on' || rr === 'off') config.history.remoteRead = rr;
    const prometheus = new PrometheusClient({ url: prom, timeoutSeconds: 120, retries: 0 });
    const carbon = new CarbonIntensityClient({
      baseUrl: a.carbon,
      timeoutSeconds: 10,
      cacheSeconds: 0,
      fallbackGramsPerKwh: 129,
    });
    // BENCH_DEBUG: the peak of each memory kind during the run (where peak RSS comes from)
    const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
    const sampler = process.env.BENCH_DEBUG
      ? setInterval(() => {
          const m = process.memoryUsage();
          for (const k of Object.keys(peak) as Array<keyof typeof peak>) peak[k] = Math.max(peak[k], m[k] / 2 ** 20);
        }, 50)
      : undefined;
    const ctx = await openHistory({ config, prometheus, carbon });
    const tOpen = performance.now();
    const s = await ctx.runner.run({ fromSeconds: from, toSeconds: to });
    if (a.recorded && s.hoursFromRecordingRules !== s.hoursEstimated)
      throw new Error(`only ${s.hoursFromRecordingRules} of ${s.hoursEstimated} hours read from recording rules`);
    clearInterval(sampler);
    if (process.env.BENCH_DEBUG)
      console.error(
        `peak MB: ${JSON.stringify(peak, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`
      );
    if (process.env.BENCH_DEBUG)
      console.error(
        `open ${((tOpen - t0) / 1000).toFixed(2)} s, run ${((performance.now() - tOpen) / 1000).toFixed(2)} s, prometheus call ${prometheus.stats.lastDurationSeconds.toFixed(2)} s`
      );
    requests = s.prometheusRequests;
    for (const c of await ctx.store.keys('project', from, to)) {
      busy += c.busyCpuSeconds;
      idle += c.idleCpuSeconds;
    }
    await ctx.close();
    const wall = (performance.now() - t0) / 1000;
    // the backfill's own peak: the re-issued queries below decode whole answers and would raise it
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    // server-side time and bytes of the same range queries, re-issued with stats (not part of the wall time); not
    // when the caller only wants wall time and memory (stats=0)
    const chunks = a.stats === '0' ? [] : chunkHoursForBench(from, to, config.history.hoursPerQuery);
    for (const [ca, cb] of chunks) {
      for (const { expr } of historyQueries(config, undefined, a.recorded === '1')) {
        const res = await post<unknown>(prom, '/api/v1/query_range', {
          query: expr,
          start: String(ca),
          end: String(cb),
          step: '1800',
          stats: 'all',
        });
        bytes += res.bytes;
        serverSeconds += res.body.data.stats?.timings?.execTotalTime ?? 0;
      }
    }
    return {
      method,
      requests,
      wallSeconds: wall,
      peakRssMb,
      busyCpuSeconds: busy,
      idleCpuSeconds: idle,
      responseMb: bytes / 1e6,
      serverSeconds,
      cpuSeconds: cpuSeconds(cpu0),
    };
  }
  const wall = (performance.now() - t0) / 1000;
  return {
    method,
    requests,
    wallSeconds: wall,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    busyCpuSeconds: busy,
    idleCpuSeconds: idle,
    responseMb: bytes / 1e6,
    serverSeconds,
    cpuSeconds: cpuSeconds(cpu0),
  };
}
