// Chunk planning: hours per chunk and host sets from the target-hours budget. Pure.
import { chunkPlan } from '../../src/history/plan';
import { hostSets, inSet } from '../../src/history/hostSets';

describe('backfill chunk plan', () => {
  it('sizes chunks by the target-hours budget shared by the chunks in flight: host sets before shorter hours', () => {
    const budget = 24_000; // 12,000 target-hours per chunk in flight
    const plan = (targets: number | undefined, parallel = 2, cap = 168) => chunkPlan(targets, budget, parallel, cap);
    expect(plan(250)).toEqual({ hours: 48, targetsPerSet: 250 }); // every target in one set
    expect(plan(2_000)).toEqual({ hours: 24, targetsPerSet: 500 }); // a day, read in 4 sets
    expect(plan(10_000)).toEqual({ hours: 4, targetsPerSet: 3_000 }); // 4 budgets per chunk, then hours shorten
    expect(plan(100_000)).toEqual({ hours: 1, targetsPerSet: 12_000 }); // never below an hour
    expect(plan(10)).toEqual({ hours: 168, targetsPerSet: 71 }); // never above the cap
    expect(plan(2_000, 1)).toEqual({ hours: 24, targetsPerSet: 1_000 });
    expect(plan(0)).toEqual({ hours: 168, targetsPerSet: Infinity }); // nothing to read: one chunk
    expect(plan(undefined)).toEqual({ hours: 24, targetsPerSet: Infinity }); // unknown (series call failed): a day
    expect(plan(undefined, 2, 6)).toEqual({ hours: 6, targetsPerSet: Infinity });
  });

  it('cuts the targets into host sets by instance, a host (two jobs, two instance names) in one set', () => {
    const t = (instance: string, host: string, job = 'node'): [string, Record<string, string>] => [
      `${job}/${instance}`,
      { job, instance, host },
    ];
    const targets = new Map([
      t('a:9100', 'a'),
      t('a:9100', 'a', 'other'),
      t('b:9100', 'b'),
      t('b2:9100', 'b'),
      t('c:9100', 'c'),
    ]);
    expect(hostSets(targets, 'host', 10)).toEqual([undefined]); // all fit: no instance matcher at all
    const sets = hostSets(targets, 'host', 2).map((s) => [...(s ?? [])].sort());
    expect(sets).toEqual([['a:9100'], ['b2:9100', 'b:9100'], ['c:9100']]);
    expect(inSet(new Set(['a:9100']), { instance: 'a:9100' })).toBe(true);
    expect(inSet(new Set(['a:9100']), { instance: 'c:9100' })).toBe(false);
    expect(inSet(undefined, { instance: 'c:9100' })).toBe(true);
  });
});
