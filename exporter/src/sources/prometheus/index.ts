export { PrometheusClient } from './client';
export type { PrometheusClientOptions, PrometheusClientStats } from './client';
export { PrometheusError, isRetryable } from './errors';
export type { PrometheusErrorKind, PrometheusErrorDetails } from './errors';
export { parseSampleValue } from './parse';
export type { Sample, Series } from './parse';
export { MAX_POINTS_PER_SERIES, splitRange } from './splitRange';
