/**
 * Backfill reading the node-cpu recording rules' series (generated with promtool over the synthetic fleet) against
 * the raw-counter path and the hand-computed truth: the same numbers, fewer series read.
 */
import path from 'node:path';
import { openHistory, type HistoryContext } from '../../src/history/context';
import { startPrometheus, type RunningPrometheus } from '../../../tests/harness/prometheus';
import { createRuleBlocks, mergeBlockDirs } from './recordingRules';
import { clients, END, historyConfig, hourTruth, spec, START, startUpstreams, within, type Upstreams } from './support';

let up: Upstreams;
let withRules: RunningPrometheus;
/** rules evaluated over the first part of the range only (as when the rules were deployed mid-way) */
let partRules: RunningPrometheus;
const PART_END = START + 4 * 3600 + 1800; // covers the first 4-hour chunk (its end boundary is read 30 min later)
const NOW = Date.now() / 1000;

beforeAll(async () => {
  up = await startUpstreams();
  await createRuleBlocks(up.prom.url, START, END + 1800, path.join(up.dir, 'rules'));
  await createRuleBlocks(up.prom.url, START, PART_END, path.join(up.dir, 'part-rules'));
  [withRules, partRules] = await Promise.all([
    startPrometheus({
      blocksDir: mergeBlockDirs(path.join(up.dir, 'all'), path.join(up.dir, 'blocks'), path.join(up.dir, 'rules')),
    }),
    startPrometheus({
      blocksDir: mergeBlockDirs(
        path.join(up.dir, 'part'),
        path.join(up.dir, 'blocks'),
        path.join(up.dir, 'part-rules')
      ),
    }),
  ]);
}, 120000);

afterAll(async () => {
  await withRules?.stop();
  await partRules?.stop();
  await up?.stop();
});

async function run(promUrl: string) {
  const loaded = historyConfig(up, {}, promUrl);
  const ctx: HistoryContext = await openHistory({ config: loaded.config, ...clients(loaded) });
  try {
    const summary = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
    const rows = (
      await Promise.all(
        spec.hosts.map((h) =>
          ctx.store.rows({ level: 'host', key: h.labels.host!, fromSeconds: START, toSeconds: END })
        )
      )
    ).flat();
    const byHost = new Map<string, number>();
    for (const h of spec.hosts)
      for (let hour = START; hour < END; hour += 3600) {
        const rs = await ctx.store.rows({
          level: 'host',
          key: h.labels.host!,
          fromSeconds: hour,
          toSeconds: hour + 3600,
        });
        byHost.set(
          `${h.labels.host}@${hour}`,
          rs.reduce((a, r) => a + r.busyCpuSeconds, 0)
        );
      }
    return { summary, rows, byHost };
  } finally {
    await ctx.close();
  }
}

const key = (r: { key: string; hourStartSeconds: number; project: string; machine: string }) =>
  JSON.stringify([r.key, r.hourStartSeconds, r.project, r.machine]);
type Run = Awaited<ReturnType<typeof run>>;
function expectSameRows(rec: Run, raw: Run): void {
  const want = new Map(raw.rows.map((r) => [key(r), r]));
  expect(rec.rows.length).toBe(raw.rows.length);
  for (const r of rec.rows) {
    const w = want.get(key(r))!;
    expect(w).toBeDefined();
    for (const f of [
      'busyCpuSeconds',
      'idleCpuSeconds',
      'busyJoules',
      'idleJoules',
      'busyGrams',
      'idleGrams',
    ] as const) {
      expect([key(r), f, within(r[f], w[f], 1e-9)]).toEqual([key(r), f, true]);
    }
  }
}

describe('backfill from recording rules', () => {
  let raw: Run;
  beforeAll(async () => {
    raw = await run(up.prom.url);
  });

  it('reads the recorded series where they exist and stores what the raw path stores', async () => {
    const rec = await run(withRules.url);
    expect(raw.summary.hoursFromRecordingRules).toBe(0);
    expect(rec.summary.hoursFromRecordingRules).toBe((END - START) / 3600);
    expect(rec.summary).toMatchObject({
      hoursEstimated: raw.summary.hoursEstimated,
      hoursFailed: 0,
      hoursSumCheckOff: raw.summary.hoursSumCheckOff,
    });
    expectSameRows(rec, raw);
    // and against the hand-computed truth per host and hour
    for (const h of spec.hosts) {
      for (let hour = START; hour < END; hour += 3600) {
        const t = hourTruth(h, hour, NOW);
        const got = rec.byHost.get(`${h.labels.host}@${hour}`)!;
        expect([h.instance, hour, within(got, t.busy)]).toEqual([h.instance, hour, true]);
      }
    }
  });

  it('falls back to the raw counters for the chunks the rules do not cover', async () => {
    const part = await run(partRules.url);
    // chunks of 4 hours (hoursPerQuery 4, two workers): only chunks whose every boundary has recorded series
    expect(part.summary.hoursFromRecordingRules).toBe(4);
    expect(part.summary.hoursFromRecordingRules).toBeLessThan((END - START) / 3600);
    expectSameRows(part, raw);
  });
});
