import { fleet, fleetSeries, tableFrames, timeSeriesFrames, workspaceFixture } from '../test-utils/factory';
import { PromSeries } from '../test-utils/exposition';
import { buildSiteModel, totalGrams, uptimeSeconds } from './viewModel';

const hostOf = (i: number) => workspaceFixture(i).host;

describe('buildSiteModel', () => {
  const workspaces = fleet(5);
  const series = fleetSeries(workspaces);

  it.each([
    ['table', tableFrames],
    ['time series', timeSeriesFrames],
  ])('builds one view per workspace from %s frames with busy and idle split', (_name, toFrames) => {
    const model = buildSiteModel(toFrames(series));
    expect(model.workspaces).toHaveLength(5);
    for (const w of workspaces) {
      const view = model.workspaces.find((v) => v.host === w.host)!;
      expect(view).toMatchObject({
        site: w.site,
        project: w.project,
        machine: w.machine,
        user: w.user,
        cpus: w.cpus,
        powerWatts: w.powerWatts,
        idlePowerWatts: w.idlePowerWatts,
        idleRatio: w.idleRatio,
        startedTimestampSeconds: w.startedTimestampSeconds,
        busyJoules: w.busyJoules,
        idleJoules: w.idleJoules,
        busyGrams: w.busyGrams,
        idleGrams: w.idleGrams,
      });
    }
    expect(model.diagnostics).toEqual({
      duplicateSeries: 0,
      unrecognisedSeries: 0,
      invalidValues: 0,
      seriesWithoutState: 0,
    });
  });

  it('totals are sums over workspaces and the idle share is idle energy over all energy', () => {
    const { totals } = buildSiteModel(tableFrames(series));
    const sumOf = (f: (w: (typeof workspaces)[number]) => number) => workspaces.reduce((a, w) => a + f(w), 0);
    expect(totals.workspaceCount).toBe(5);
    expect(totals.powerWatts).toBeCloseTo(
      sumOf((w) => w.powerWatts),
      9
    );
    expect(totals.idlePowerWatts).toBeCloseTo(
      sumOf((w) => w.idlePowerWatts),
      9
    );
    expect(totals.busyJoules).toBeCloseTo(
      sumOf((w) => w.busyJoules),
      6
    );
    expect(totals.idleGrams).toBeCloseTo(
      sumOf((w) => w.idleGrams),
      6
    );
    const idle = sumOf((w) => w.idleJoules);
    expect(totals.idleShareRatio).toBeCloseTo(idle / (idle + sumOf((w) => w.busyJoules)), 12);
  });

  it('shows missing workspace labels as "unknown" rather than dropping the series', () => {
    const bare: PromSeries[] = [
      { name: 'ada_carbon_workspace_power_watts', labels: { host: '10.0.0.9' }, value: 42 },
      { name: 'ada_carbon_workspace_idle_ratio', labels: { host: '10.0.0.9', user: '' }, value: 0.5 },
    ];
    const model = buildSiteModel(tableFrames(bare));
    expect(model.workspaces).toHaveLength(1);
    expect(model.workspaces[0]).toMatchObject({
      site: 'unknown',
      project: 'unknown',
      machine: 'unknown',
      user: 'unknown',
      host: '10.0.0.9',
      powerWatts: 42,
      idleRatio: 0.5,
    });
  });

  it('collapses duplicate series (two exporter replicas) into one workspace, keeping the larger counter', () => {
    const one = fleetSeries([workspaceFixture(0)]);
    const replica = one.map((s) => ({
      ...s,
      labels: { ...s.labels, instance: 'replica-2:9464' },
      value: s.name.endsWith('_total') ? s.value + 100 : s.value,
    }));
    const model = buildSiteModel(tableFrames([...one, ...replica]));
    expect(model.workspaces).toHaveLength(1);
    expect(model.diagnostics.duplicateSeries).toBe(one.length);
    expect(model.workspaces[0]!.idleJoules).toBe(workspaceFixture(0).idleJoules + 100);
    expect(model.totals.idleJoules).toBe(workspaceFixture(0).idleJoules + 100);
  });

  it('keeps NaN values as unknown and counts them', () => {
    const withNaN = fleetSeries([workspaceFixture(1)]).map((s) =>
      s.name === 'ada_carbon_workspace_idle_ratio' ? { ...s, value: NaN } : s
    );
    const model = buildSiteModel(tableFrames(withNaN));
    expect(model.workspaces[0]!.idleRatio).toBeNull();
    expect(model.workspaces[0]!.powerWatts).toBe(workspaceFixture(1).powerWatts);
    expect(model.diagnostics.invalidValues).toBe(1);
  });

  it('a workspace that vanished from the data is gone from cards and totals', () => {
    const before = buildSiteModel(tableFrames(series));
    const after = buildSiteModel(tableFrames(series.filter((s) => s.labels.host !== hostOf(2))));
    expect(after.workspaces.map((w) => w.host).sort()).toEqual(
      before.workspaces
        .map((w) => w.host)
        .filter((h) => h !== hostOf(2))
        .sort()
    );
    expect(after.totals.workspaceCount).toBe(4);
    expect(after.totals.idleJoules).toBeCloseTo(before.totals.idleJoules - workspaceFixture(2).idleJoules, 6);
  });

  it('with only the busy state present, idle is unknown and totals count what is known', () => {
    const busyOnly = fleetSeries([workspaceFixture(3)]).filter((s) => s.labels.state !== 'idle');
    const model = buildSiteModel(tableFrames(busyOnly));
    const w = model.workspaces[0]!;
    expect(w.busyJoules).toBe(workspaceFixture(3).busyJoules);
    expect(w.idleJoules).toBeNull();
    expect(w.idleGrams).toBeNull();
    expect(totalGrams(w)).toBe(workspaceFixture(3).busyGrams);
    expect(model.totals.idleShareRatio).toBe(0);
  });

  it('leaves out busy/idle series without a state label and says so', () => {
    const noState = fleetSeries([workspaceFixture(4)]).map((s) => {
      const { state: _state, ...labels } = s.labels;
      return { ...s, labels };
    });
    const model = buildSiteModel(tableFrames(noState));
    expect(model.diagnostics.seriesWithoutState).toBe(4);
    expect(model.workspaces[0]!.busyJoules).toBeNull();
    expect(model.totals.idleShareRatio).toBeNull();
  });

  it('an empty site has zero totals and no idle share', () => {
    const model = buildSiteModel([]);
    expect(model.workspaces).toEqual([]);
    expect(model.totals).toMatchObject({ workspaceCount: 0, powerWatts: 0, idleJoules: 0, idleShareRatio: null });
  });
});

describe('derived values', () => {
  it('uptime is now minus boot time, never negative, unknown without a boot time', () => {
    expect(uptimeSeconds({ startedTimestampSeconds: 1000 }, 4_000_000)).toBe(3000);
    expect(uptimeSeconds({ startedTimestampSeconds: 5000 }, 4_000_000)).toBe(0);
    expect(uptimeSeconds({ startedTimestampSeconds: null }, 4_000_000)).toBeNull();
  });

  it('total grams is unknown only when both states are unknown', () => {
    expect(totalGrams({ busyGrams: null, idleGrams: null })).toBeNull();
    expect(totalGrams({ busyGrams: 2, idleGrams: 3 })).toBe(5);
  });
});
