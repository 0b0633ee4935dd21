import { parse } from 'yaml';
import { prometheusConfigYaml } from '../harness/prometheus';
import {
  renderLabelsOnly,
  rulesWithShortFor,
  shippedAlertRules,
  shippedConfigWithWebhook,
} from './support/alertingSetup';
import { startGaugeStandIn } from './support/gaugeStandIn';

const TIMERS = { groupWait: '1s', groupInterval: '2s', repeatInterval: '1h', resolveTimeout: '10s' };

describe('alerting test setup', () => {
  it('points Prometheus at an Alertmanager only when asked, with scheme, host:port and path prefix', () => {
    expect(parse(prometheusConfigYaml({}))).not.toHaveProperty('alerting');
    expect(parse(prometheusConfigYaml({ alertmanagerUrl: 'http://127.0.0.1:9093' }))).toMatchObject({
      alerting: { alertmanagers: [{ scheme: 'http', static_configs: [{ targets: ['127.0.0.1:9093'] }] }] },
    });
    const prefixed = parse(prometheusConfigYaml({ alertmanagerUrl: 'https://127.0.0.1:9443/am' })) as {
      alerting: { alertmanagers: Record<string, unknown>[] };
    };
    expect(prefixed.alerting.alertmanagers[0]).toMatchObject({ scheme: 'https', path_prefix: '/am' });
    expect(() => prometheusConfigYaml({ alertmanagerUrl: 'ftp://127.0.0.1:9093' })).toThrow(/must be http or https/);
    expect(() => prometheusConfigYaml({ alertmanagerUrl: '127.0.0.1:9093' })).toThrow(/"127.0.0.1:9093" is not a URL/);
  });

  it('keeps the shipped route and receiver name, gives the receiver a webhook and shortens only the timers', () => {
    const config = shippedConfigWithWebhook('http://127.0.0.1:1/alerts', TIMERS) as {
      global: Record<string, string>;
      route: Record<string, unknown>;
      receivers: { name: string; webhook_configs?: unknown[] }[];
    };
    expect(config.route).toEqual({
      receiver: 'ada-carbon-operators',
      group_by: ['alertname', 'site', 'source'],
      group_wait: '1s',
      group_interval: '2s',
      repeat_interval: '1h',
    });
    expect(config.global.resolve_timeout).toBe('10s');
    expect(config.receivers).toEqual([
      { name: 'ada-carbon-operators', webhook_configs: [{ url: 'http://127.0.0.1:1/alerts', send_resolved: true }] },
    ]);
  });

  it('shortens every `for` of the shipped rules and keeps each rule', () => {
    const copy = parse(rulesWithShortFor('2s')) as { groups: { rules: { alert: string; for?: string }[] }[] };
    const rules = copy.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert).sort()).toEqual([...shippedAlertRules().keys()].sort());
    expect(rules.every((r) => r.for === '2s')).toBe(true);
  });

  it('renders label-only annotation templates and leaves the others to the caller', () => {
    const labels = { source: 'store' };
    expect(renderLabelsOnly('cannot reach its {{ $labels.source }} source', labels)).toBe(
      'cannot reach its store source'
    );
    expect(renderLabelsOnly('{{$labels.missing}}!', labels)).toBe('!');
    expect(renderLabelsOnly('{{ $value | humanizePercentage }}', labels)).toBeUndefined();
  });

  it('the gauge stand-in serves what the test set, one family at a time', async () => {
    const standIn = await startGaugeStandIn([
      { name: 'a_up', help: 'A.', labels: { source: 'x' }, value: 0 },
      { name: 'b_up', help: 'B.', labels: {}, value: 1 },
    ]);
    try {
      standIn.set('a_up', { source: 'y"z' }, 1);
      const body = await (await fetch(`http://${standIn.target}/metrics`)).text();
      expect(body).toBe(
        '# HELP a_up A.\n# TYPE a_up gauge\na_up{source="x"} 0\na_up{source="y\\"z"} 1\n' +
          '# HELP b_up B.\n# TYPE b_up gauge\nb_up 1\n'
      );
      expect(standIn.scrapes()).toBe(1);
      expect(() => standIn.set('c_up', {}, 1)).toThrow(/c_up was not declared/);
    } finally {
      await standIn.stop();
    }
  });
});
