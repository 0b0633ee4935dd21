/**
 * The remote-read path against the range queries it replaces, on one real Prometheus holding the synthetic fleet
 * (reboots, a gap, births and deaths, hostile label values): the busy, idle and other sums and the CPU count of every
 * target at every boundary, the same to 1e-12, for the whole fleet, one project (with quotes and a regex in its
 * name) and a host set. And the decoded samples, one for one, against the JSON of a range-vector query.
 */
import { startFleetPrometheus } from '../support/fleetPrometheus';
import { testConfig } from '../support/app';
import type { RunningPrometheus } from '../../../tests/harness/prometheus';
import { PrometheusClient, type Series } from '../../src/sources/prometheus';
import { parseMatchers } from '../../src/sources/prometheus/remoteRead/matchers';
import { decodeXorChunk, xorFloat } from '../../src/sources/prometheus/remoteRead/xor';
import { pickTarget } from '../../src/history/boundaries';
import { cpuCountQuery, groupLabels, scopeSelector, stateQueries } from '../../src/history/queries';
import { BoundarySums, LOOKBACK_SECONDS, type StateAnswers } from '../../src/history/remoteSums';
import { END, EVIL_PROJECT, spec, START } from './support';

let prom: RunningPrometheus;
let client: PrometheusClient;
const config = () => testConfig({ prometheus: { url: prom.url } }).config;

beforeAll(async () => {
  prom = await startFleetPrometheus(spec);
  client = new PrometheusClient({ url: prom.url, timeoutSeconds: 30, retries: 0 });
}, 60000);
afterAll(() => prom?.stop());

/** kind -> target key -> boundary seconds -> value */
type Table = Record<keyof StateAnswers, Map<string, Map<number, number>>>;

function tableOf(answers: StateAnswers, names: readonly string[]): Table {
  const out = {} as Table;
  for (const kind of ['busy', 'idle', 'other', 'cpus'] as const) {
    out[kind] = new Map();
    for (const s of answers[kind]) out[kind].set(pickTarget(s.metric, names).key, new Map(s.values));
  }
  return out;
}

async function byRangeQueries(a: number, b: number, project?: string, hosts?: Set<string>): Promise<StateAnswers> {
  const c = config();
  const [busy, idle, other] = await Promise.all(
    stateQueries(c, project, false, hosts).map(({ expr }) => client.rangeQuery(expr, a, b, 1800))
  );
  const cpus = await client.rangeQuery(cpuCountQuery(c, project, hosts), a, b, 1800);
  return { busy: busy!, idle: idle!, other: other!, cpus };
}

async function byRemoteRead(a: number, b: number, project?: string, hosts?: Set<string>): Promise<StateAnswers> {
  const c = config();
  const matchers = parseMatchers(scopeSelector(c, project, hosts).join(', '));
  matchers.push({ name: '__name__', op: '=', value: 'node_cpu_seconds_total' });
  const sums = new BoundarySums(a, b, groupLabels(c.labels));
  await client.remoteRead([{ startMs: (a - LOOKBACK_SECONDS) * 1000, endMs: b * 1000, matchers }], (s) =>
    sums.add(s.labels, s.chunks)
  );
  return sums.answers();
}

function expectSame(got: Table, want: Table): void {
  for (const kind of ['busy', 'idle', 'other', 'cpus'] as const) {
    expect([kind, [...got[kind].keys()].sort()]).toEqual([kind, [...want[kind].keys()].sort()]);
    for (const [key, values] of want[kind]) {
      const mine = got[kind].get(key)!;
      expect([kind, key, [...mine.keys()]]).toEqual([kind, key, [...values.keys()]]);
      for (const [t, v] of values)
        expect([kind, key, t, Math.abs(mine.get(t)! - v) <= 1e-12 * Math.abs(v)]).toEqual([kind, key, t, true]);
    }
  }
}

describe('remote read sums at the boundaries, against the range queries', () => {
  const names = () => groupLabels(config().labels);
  it.each([
    ['the whole fleet, 6 hours', START, END, undefined, undefined],
    ['the whole fleet, from the first half-hour on', START + 1800, END - 1800, undefined, undefined],
    ['one project with quotes, a backslash and a regex in its name', START, END, EVIL_PROJECT, undefined],
    ['a host set of two', START, END, undefined, new Set([spec.hosts[2]!.instance, spec.hosts[3]!.instance])],
  ] as const)('%s', async (_name, a, b, project, hosts) => {
    const want = tableOf(await byRangeQueries(a, b, project, hosts), names());
    const got = tableOf(await byRemoteRead(a, b, project, hosts), names());
    expect(want.busy.size).toBeGreaterThan(0);
    expectSame(got, want);
  });

  // Prometheus 2 range selectors hold the sample on their left edge too, as its lookback does
  it('decodes every stored sample as a range-vector query returns it', async () => {
    const seconds = END - START;
    const json: Series[] = await client.instantMatrixQuery(`node_cpu_seconds_total[${seconds}s]`, END);
    const want = new Map(json.map((s) => [JSON.stringify(Object.entries(s.metric).sort()), s.values]));
    const got = new Map<string, Array<[number, number]>>();
    await client.remoteRead(
      [
        {
          startMs: (END - seconds) * 1000,
          endMs: END * 1000,
          matchers: [{ name: '__name__', op: '=', value: 'node_cpu_seconds_total' }],
        },
      ],
      (s) => {
        const key = JSON.stringify(Object.entries(s.labels).sort());
        const values = got.get(key) ?? [];
        for (const c of s.chunks)
          decodeXorChunk(c.data, (ms, hi, lo) => {
            if (ms >= (END - seconds) * 1000 && ms <= END * 1000) values.push([ms / 1000, xorFloat(hi, lo)]);
          });
        got.set(key, values);
      }
    );
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [key, values] of want) expect([key, got.get(key)]).toEqual([key, values]);
  });
});
