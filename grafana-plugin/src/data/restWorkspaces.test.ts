import { createDataFrame, FieldType } from '@grafana/data';

import { workspaceRowsFrame } from '../test-utils/rest';
import { buildUserModel, isWorkspaceRowsFrame } from './restWorkspaces';

describe('buildUserModel', () => {
  it('builds one view per REST row, kWh in joules, started_at in seconds', () => {
    const model = buildUserModel([workspaceRowsFrame()]);
    expect(model.workspaces).toHaveLength(2);
    expect(model.workspaces[0]).toMatchObject({
      site: 'isis',
      project: 'IDAaaS',
      machine: 'Artemis (Matlab)',
      host: 'host-1',
      user: 'alice',
      cpus: 4,
      powerWatts: 20,
      idlePowerWatts: 18,
      idleRatio: 0.9,
      startedTimestampSeconds: Date.UTC(2026, 0, 1) / 1000,
      busyJoules: 0.5 * 3.6e6,
      idleJoules: 1.5 * 3.6e6,
      busyGrams: 50,
      idleGrams: 150,
    });
    // a null idle_ratio is the contract's "not known yet", not bad data
    expect(model.workspaces[1]!.idleRatio).toBeNull();
    expect(model.diagnostics).toEqual({
      duplicateSeries: 0,
      unrecognisedSeries: 0,
      invalidValues: 0,
      seriesWithoutState: 0,
    });
    expect(model.totals).toMatchObject({ workspaceCount: 2, powerWatts: 60, idlePowerWatts: 22 });
    expect(model.totals.idleShareRatio).toBeCloseTo(1.5 / 4);
  });

  it('reads an ISO started_at, counts bad numbers, skips other frames and repeated rows', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'host', type: FieldType.string, values: ['h', 'h'] },
        { name: 'machine_name', type: FieldType.string, values: ['M', 'M'] },
        { name: 'started_at', type: FieldType.string, values: ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'] },
        { name: 'power_watts', type: FieldType.number, values: ['x', 'x'] },
      ],
    });
    const other = createDataFrame({ fields: [{ name: 'Value', type: FieldType.number, values: [1] }] });
    expect(isWorkspaceRowsFrame(other)).toBe(false);
    const model = buildUserModel([frame, other]);
    expect(model.workspaces).toHaveLength(1);
    expect(model.workspaces[0]).toMatchObject({
      site: 'unknown',
      user: 'unknown',
      startedTimestampSeconds: Date.UTC(2026, 0, 1) / 1000,
      powerWatts: null,
      cpus: null,
    });
    expect(model.diagnostics).toMatchObject({ duplicateSeries: 1, unrecognisedSeries: 1, invalidValues: 2 });
  });
});
