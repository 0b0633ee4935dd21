import { createDataFrame, FieldType } from '@grafana/data';

import { fleet, fleetSeries, FIXED_NOW_MS, tableFrames, timeSeriesFrames } from '../test-utils/factory';
import { extractSamples } from './frames';

describe('extractSamples', () => {
  const series = fleetSeries(fleet(3));

  it('reads every series of the table format with its labels and metric', () => {
    const { samples, unrecognisedSeries } = extractSamples(tableFrames(series));
    expect(unrecognisedSeries).toBe(0);
    expect(samples).toHaveLength(series.length);
    const power = samples.filter((s) => s.metric === 'powerWatts');
    expect(power).toHaveLength(3);
    expect(power[0]!.labels).toMatchObject({ site: 'isis', project: 'IDAaaS', machine: 'Muon', host: '172.16.100.2' });
    const expected = series.find(
      (s) => s.name === 'ada_carbon_workspace_power_watts' && s.labels.host === '172.16.100.2'
    );
    expect(power.find((s) => s.labels.host === '172.16.100.2')!.value).toBe(expected!.value);
  });

  it('reads time series frames and takes the last finite value', () => {
    const { samples } = extractSamples(timeSeriesFrames(series));
    expect(samples).toHaveLength(series.length);
    for (const s of series) {
      const found = samples.find(
        (x) => x.labels.host === s.labels.host && x.labels.state === s.labels.state && x.labels.__name__ === s.name
      );
      expect(found?.value).toBe(s.value);
    }
  });

  it('uses "Value" with the frame refId when only one query ran', () => {
    const only = series.filter((s) => s.name === 'ada_carbon_workspace_idle_ratio');
    const frames = tableFrames(only);
    expect(frames[0]!.fields.map((f) => f.name)).toContain('Value');
    expect(extractSamples(frames).samples.every((s) => s.metric === 'idleRatio')).toBe(true);
  });

  it('falls back to __name__ when the refId is not one of the recommended ones', () => {
    const frame = createDataFrame({
      refId: 'A',
      fields: [
        { name: 'Time', type: FieldType.time, values: [FIXED_NOW_MS] },
        { name: '__name__', type: FieldType.string, values: ['ada_carbon_workspace_cpus'] },
        { name: 'host', type: FieldType.string, values: ['h1'] },
        { name: 'Value', type: FieldType.number, values: [8] },
      ],
    });
    expect(extractSamples([frame]).samples).toEqual([
      { metric: 'cpus', labels: { __name__: 'ada_carbon_workspace_cpus', host: 'h1' }, value: 8 },
    ]);
  });

  it('counts series it cannot attribute instead of guessing', () => {
    const frame = createDataFrame({
      refId: 'A',
      fields: [
        { name: 'Time', type: FieldType.time, values: [FIXED_NOW_MS] },
        { name: 'Value', type: FieldType.number, labels: { __name__: 'node_load1' }, values: [1] },
      ],
    });
    expect(extractSamples([frame])).toEqual({ samples: [], greenSamples: [], unrecognisedSeries: 1 });
  });

  it('turns NaN, infinities and nulls into null and leaves empty label cells out', () => {
    const frame = createDataFrame({
      refId: 'idle_ratio',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1, 2, 3] },
        { name: 'host', type: FieldType.string, values: ['a', '', 'c'] },
        { name: 'Value', type: FieldType.number, values: [NaN, Infinity, null] },
      ],
    });
    const { samples } = extractSamples([frame]);
    expect(samples.map((s) => s.value)).toEqual([null, null, null]);
    expect(samples[1]!.labels).toEqual({});
  });

  it('returns nothing for no frames or empty frames', () => {
    expect(extractSamples([]).samples).toEqual([]);
    expect(extractSamples(tableFrames([])).samples).toEqual([]);
  });
});
