/**
 * Grafana data frames -> flat samples. Accepts both shapes the Prometheus datasource produces:
 *  - table format: one frame per refId, one string column per label, a number column "Value" or "Value #<refId>";
 *  - time series: one frame per series, labels on the number field; the last finite value is taken.
 */
import { DataFrame, Field, FieldType } from '@grafana/data';

import {
  GREEN_METRIC_BY_NAME,
  GREEN_METRIC_BY_REF_ID,
  GreenMetricKey,
  METRIC_BY_NAME,
  METRIC_BY_REF_ID,
  MetricKey,
} from './metrics';

export interface Sample {
  metric: MetricKey;
  labels: Record<string, string>;
  /** null when the source value was null, NaN or infinite. */
  value: number | null;
}

/** A sample of the greener-choices metrics (forecast, greenest windows, idle-shutdown savings). */
export interface GreenSample {
  metric: GreenMetricKey;
  labels: Record<string, string>;
  value: number | null;
}

export interface ExtractResult {
  samples: Sample[];
  greenSamples: GreenSample[];
  /** Series whose metric could not be recognised from refId or __name__. */
  unrecognisedSeries: number;
}

const VALUE_NAME_PATTERN = /^Value #(.+)$/;

function finiteOrNull(raw: unknown): number | null {
  const n = typeof raw === 'number' ? raw : raw === null || raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) ? n : null;
}

type Recognised = { kind: 'workspace'; metric: MetricKey } | { kind: 'green'; metric: GreenMetricKey };

function byRefId(refId: string): Recognised | undefined {
  const w = METRIC_BY_REF_ID[refId];
  if (w) {
    return { kind: 'workspace', metric: w };
  }
  const g = GREEN_METRIC_BY_REF_ID[refId];
  return g ? { kind: 'green', metric: g } : undefined;
}

/** The metric a value field carries by its query: "Value #<refId>" or the frame's refId. */
function metricByQuery(frame: DataFrame, field: Field): Recognised | undefined {
  const fromFieldName = VALUE_NAME_PATTERN.exec(field.name)?.[1];
  for (const refId of [fromFieldName, frame.refId]) {
    const found = refId !== undefined ? byRefId(refId) : undefined;
    if (found) {
      return found;
    }
  }
  return undefined;
}

function metricByName(labels: Record<string, string>): Recognised | undefined {
  const name = labels['__name__'];
  if (name === undefined) {
    return undefined;
  }
  const w = METRIC_BY_NAME[name];
  if (w) {
    return { kind: 'workspace', metric: w };
  }
  const g = GREEN_METRIC_BY_NAME[name];
  return g ? { kind: 'green', metric: g } : undefined;
}

function lastFiniteValue(values: readonly unknown[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = finiteOrNull(values[i]);
    if (v !== null) {
      return v;
    }
  }
  return null;
}

function isTableFrame(frame: DataFrame, valueFields: Field[]): boolean {
  const hasLabelColumns = frame.fields.some((f) => f.type === FieldType.string);
  const labelsOnValues = valueFields.some((f) => f.labels && Object.keys(f.labels).length > 0);
  return hasLabelColumns && !labelsOnValues;
}

export function extractSamples(frames: readonly DataFrame[]): ExtractResult {
  const samples: Sample[] = [];
  const greenSamples: GreenSample[] = [];
  let unrecognisedSeries = 0;
  const push = (found: Recognised, labels: Record<string, string>, value: number | null) => {
    if (found.kind === 'workspace') {
      samples.push({ metric: found.metric, labels, value });
    } else {
      greenSamples.push({ metric: found.metric, labels, value });
    }
  };

  for (const frame of frames) {
    const valueFields = frame.fields.filter((f) => f.type === FieldType.number);
    if (isTableFrame(frame, valueFields)) {
      const labelFields = frame.fields.filter((f) => f.type === FieldType.string);
      const queryMetrics = valueFields.map((vf) => metricByQuery(frame, vf));
      for (let row = 0; row < frame.length; row++) {
        const labels: Record<string, string> = {};
        for (const lf of labelFields) {
          const v = lf.values[row];
          if (v !== undefined && v !== null && v !== '') {
            labels[lf.name] = String(v);
          }
        }
        valueFields.forEach((vf, i) => {
          const metric = queryMetrics[i] ?? metricByName(labels);
          if (metric) {
            push(metric, labels, finiteOrNull(vf.values[row]));
          } else {
            unrecognisedSeries++;
          }
        });
      }
      continue;
    }
    for (const vf of valueFields) {
      const labels = { ...(vf.labels ?? {}) };
      const metric = metricByQuery(frame, vf) ?? metricByName(labels);
      if (!metric) {
        unrecognisedSeries++;
        continue;
      }
      push(metric, labels, lastFiniteValue(vf.values));
    }
  }
  return { samples, greenSamples, unrecognisedSeries };
}
