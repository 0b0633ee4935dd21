import { acceptsGzip, negotiateFormat } from '../../src/metrics/negotiate';

// the Accept headers real scrapers send (Prometheus 2.42 as packaged by Debian 12, Prometheus 3 defaults)
const PROMETHEUS_2 =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const PROMETHEUS_3 =
  'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';

describe('negotiateFormat', () => {
  it.each([
    ['Prometheus 2', PROMETHEUS_2, 'openmetrics'],
    ['Prometheus 3 (escaping parameter ignored)', PROMETHEUS_3, 'openmetrics'],
    ['curl', '*/*', 'text'],
    ['no header', undefined, 'text'],
    ['empty header', '', 'text'],
    ['text only', 'text/plain;version=0.0.4', 'text'],
    ['OpenMetrics without version', 'application/openmetrics-text', 'openmetrics'],
    ['OpenMetrics 0.0.1', 'application/openmetrics-text; version=0.0.1', 'openmetrics'],
    ['a later OpenMetrics only', 'application/openmetrics-text;version=2.0.0', 'text'],
    ['OpenMetrics refused with q=0', 'application/openmetrics-text;q=0,text/plain;q=0.1', 'text'],
    ['text preferred by q', 'application/openmetrics-text;q=0.2,text/plain;q=0.9', 'text'],
    ['OpenMetrics preferred by q', 'text/plain;q=0.2, application/openmetrics-text;q=0.9', 'openmetrics'],
    ['a tie goes to the first', 'text/plain, application/openmetrics-text', 'text'],
    ['upper case and quoted version', 'Application/OpenMetrics-Text; Version="1.0.0"', 'openmetrics'],
    ['protobuf only', 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily', 'text'],
    ['garbage', ';;,;q=x,', 'text'],
  ])('%s -> %s', (_name, accept, expected) => {
    expect(negotiateFormat(accept)).toBe(expected);
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['identity', false],
    ['gzip;q=0', false],
    ['identity;q=1, gzip;q=0.5', false],
    ['br', false],
    [undefined, false],
  ])('%s -> %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
