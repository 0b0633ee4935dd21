export type PrometheusErrorKind = 'network' | 'timeout' | 'http' | 'api' | 'parse';

export interface PrometheusErrorDetails {
  status?: number;
  /** errorType from the Prometheus envelope: bad_data, timeout, execution, canceled, internal, unavailable, ... */
  errorType?: string;
  expr?: string;
  retryable?: boolean;
}

/** Worth another attempt: no answer, or a 5xx. Never a 4xx or a bad query. */
export function isRetryable(kind: PrometheusErrorKind, status?: number, errorType?: string): boolean {
  if (kind === 'network' || kind === 'timeout') return true;
  if (errorType === 'bad_data') return false;
  return status !== undefined && status >= 500;
}

export class PrometheusError extends Error {
  readonly kind: PrometheusErrorKind;
  readonly status?: number;
  readonly errorType?: string;
  readonly retryable: boolean;
  readonly expr?: string;

  constructor(kind: PrometheusErrorKind, message: string, details: PrometheusErrorDetails = {}) {
    super(message);
    this.name = 'PrometheusError';
    this.kind = kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.errorType !== undefined) this.errorType = details.errorType;
    if (details.expr !== undefined) this.expr = details.expr;
    this.retryable = details.retryable ?? isRetryable(kind, details.status, details.errorType);
  }
}
