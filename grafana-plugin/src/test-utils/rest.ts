/** Frames as the Infinity datasource builds them from the exporter's REST rows. */
import { createDataFrame, FieldType } from '@grafana/data';

/** Two rows as Infinity builds them from GET /api/v1/workspaces (columns named as the REST fields). */
export function workspaceRowsFrame() {
  return createDataFrame({
    refId: 'workspaces',
    fields: [
      { name: 'site', type: FieldType.string, values: ['isis', 'clf'] },
      { name: 'project', type: FieldType.string, values: ['IDAaaS', 'CLF'] },
      { name: 'machine_name', type: FieldType.string, values: ['Artemis (Matlab)', 'Base'] },
      { name: 'host', type: FieldType.string, values: ['host-1', 'host-2'] },
      { name: 'user', type: FieldType.string, values: ['alice', 'alice'] },
      { name: 'started_at', type: FieldType.time, values: [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2)] },
      { name: 'cpus', type: FieldType.number, values: [4, 8] },
      { name: 'power_watts', type: FieldType.number, values: [20, 40] },
      { name: 'idle_power_watts', type: FieldType.number, values: [18, 4] },
      { name: 'idle_ratio', type: FieldType.number, values: [0.9, null] },
      { name: 'busy_kwh', type: FieldType.number, values: [0.5, 2] },
      { name: 'idle_kwh', type: FieldType.number, values: [1.5, 0] },
      { name: 'busy_gCo2eq', type: FieldType.number, values: [50, 200] },
      { name: 'idle_gCo2eq', type: FieldType.number, values: [150, 0] },
    ],
  });
}
