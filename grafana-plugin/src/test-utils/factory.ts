/** The frames Grafana's Prometheus datasource would build for a fleet's series. */
import { createDataFrame, DataFrame, FieldType } from '@grafana/data';

import { GREEN_METRIC_BY_NAME, METRIC_BY_NAME, RECOMMENDED_QUERIES } from '../data/metrics';
import { PromSeries } from './exposition';
import { FIXED_NOW_MS } from './fleet';

export * from './fleet';

function refIdForName(name: string): string {
  const metric = METRIC_BY_NAME[name] ?? GREEN_METRIC_BY_NAME[name];
  const query = RECOMMENDED_QUERIES.find((q) => q.expr.startsWith(`${name}{`));
  if (!metric || !query) {
    throw new Error(`no recommended query for ${name}`);
  }
  return query.refId;
}

/**
 * Table format as the Prometheus datasource builds it for instant queries: one frame per refId with Time, one string
 * column per label (sorted, including __name__ for a bare selector) and "Value #<refId>" ("Value" if only one query).
 */
export function tableFrames(series: readonly PromSeries[], nowMs = FIXED_NOW_MS): DataFrame[] {
  const byRefId = new Map<string, PromSeries[]>();
  for (const s of series) {
    const refId = refIdForName(s.name);
    byRefId.set(refId, [...(byRefId.get(refId) ?? []), s]);
  }
  return [...byRefId.entries()].map(([refId, rows]) => {
    const labelNames = [...new Set(rows.flatMap((r) => ['__name__', ...Object.keys(r.labels)]))].sort();
    return createDataFrame({
      refId,
      fields: [
        { name: 'Time', type: FieldType.time, values: rows.map(() => nowMs) },
        ...labelNames.map((l) => ({
          name: l,
          type: FieldType.string,
          values: rows.map((r) => (l === '__name__' ? r.name : (r.labels[l] ?? ''))),
        })),
        {
          name: byRefId.size > 1 ? `Value #${refId}` : 'Value',
          type: FieldType.number,
          values: rows.map((r) => r.value),
        },
      ],
    });
  });
}

/** Time series format: one frame per series, labels on the value field, a few points ending at nowMs. */
export function timeSeriesFrames(series: readonly PromSeries[], nowMs = FIXED_NOW_MS, points = 3): DataFrame[] {
  return series.map((s) =>
    createDataFrame({
      refId: refIdForName(s.name),
      fields: [
        {
          name: 'Time',
          type: FieldType.time,
          values: Array.from({ length: points }, (_, i) => nowMs - (points - 1 - i) * 15000),
        },
        {
          name: 'Value',
          type: FieldType.number,
          labels: { __name__: s.name, ...s.labels },
          // Earlier points are smaller so "last value" is observable.
          values: Array.from({ length: points }, (_, i) => (i === points - 1 ? s.value : s.value * 0.5)),
        },
      ],
    })
  );
}
