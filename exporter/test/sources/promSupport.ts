// Shared setup of the PrometheusClient tests: recorded answers and a client with fast, retry-free defaults.
import { PrometheusClient } from '../../src/sources/prometheus';
import { fixture } from './httpStub';

export type PromOptions = ConstructorParameters<typeof PrometheusClient>[0];

export const prom = (rel: string): string => fixture(`prometheus/${rel}`);

export function promClient(url: string, extra: Partial<PromOptions> = {}): PrometheusClient {
  return new PrometheusClient({ url, timeoutSeconds: 2, retries: 0, retryBaseDelayMs: 5, ...extra });
}
