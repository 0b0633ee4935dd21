import * as fs from 'fs';
import * as path from 'path';
import { alertmanagerConfigYaml, logErrors, startAlertmanager, type RunningAlertmanager } from './alertmanager';
import { liveProcessCount } from './process';
import { alertsNamed, startWebhookReceiver, type WebhookReceiver } from './webhook';

/** Short timers so that a notification goes out within about a second of the alert arriving. */
function configFor(webhookUrl: string): object {
  return {
    route: {
      receiver: 'hook',
      group_by: ['alertname', 'site'],
      group_wait: '200ms',
      group_interval: '500ms',
      repeat_interval: '1h',
    },
    receivers: [{ name: 'hook', webhook_configs: [{ url: webhookUrl, send_resolved: true }] }],
  };
}

describe('alertmanager harness', () => {
  let hook: WebhookReceiver;
  let am: RunningAlertmanager;
  beforeAll(async () => {
    hook = await startWebhookReceiver();
    am = await startAlertmanager({ config: configFor(hook.url) });
  });
  afterAll(async () => {
    await am?.stop();
    await hook?.stop();
  });

  it('runs on loopback with its config and storage in a temp dir, clustering off', async () => {
    expect(am.url).toBe(`http://127.0.0.1:${am.port}`);
    expect(fs.readFileSync(am.configPath, 'utf8')).toContain(hook.url);
    expect(fs.statSync(am.storagePath).isDirectory()).toBe(true);
    const status = (await (await fetch(`${am.url}/api/v2/status`)).json()) as { cluster: { status: string } };
    expect(status.cluster.status).toBe('disabled');
  });

  it('delivers a posted alert to the webhook as firing, then as resolved once its endsAt has passed', async () => {
    const labels = { alertname: 'HarnessCheck', site: 'isis', severity: 'info' };
    const annotations = { summary: 'harness check' };
    await am.postAlerts([{ labels, annotations, startsAt: new Date().toISOString() }]);
    const firing = await hook.waitFor((p) => alertsNamed(p, 'HarnessCheck', 'firing').length > 0, {
      what: 'HarnessCheck firing',
      timeoutMs: 10000,
    });
    expect(firing.payload).toMatchObject({
      version: '4',
      receiver: 'hook',
      status: 'firing',
      groupLabels: { alertname: 'HarnessCheck', site: 'isis' },
      commonLabels: labels,
      commonAnnotations: annotations,
      externalURL: am.url,
      truncatedAlerts: 0,
    });
    expect(firing.payload.groupKey).toBe('{}:{alertname="HarnessCheck", site="isis"}');
    expect((await am.alerts()).map((a) => a.labels.alertname)).toContain('HarnessCheck');

    await am.postAlerts([{ labels, annotations, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    const resolved = await hook.waitFor((p) => alertsNamed(p, 'HarnessCheck', 'resolved').length > 0, {
      what: 'HarnessCheck resolved',
      timeoutMs: 10000,
    });
    expect(resolved.payload.status).toBe('resolved');
    expect(resolved.payload.alerts[0]?.fingerprint).toBe(firing.payload.alerts[0]?.fingerprint);
    expect(firing.payload.alerts[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(resolved.receivedAtMs).toBeGreaterThan(firing.receivedAtMs);
  });

  it("fails with Alertmanager's own error for a config it refuses, and leaves nothing running", async () => {
    const bad = { route: { receiver: 'missing' }, receivers: [{ name: 'other' }] };
    await expect(startAlertmanager({ config: bad })).rejects.toThrow(
      /^alertmanager did not start: undefined receiver "missing" used in route\n/
    );
    expect(liveProcessCount()).toBe(1);
    expect(() => alertmanagerConfigYaml([])).toThrow('config must be an object');
    expect(logErrors('level=info msg=x\nlevel=error msg="y" err="bad \\"z\\" here"\nlevel=error msg=w')).toEqual([
      'bad "z" here',
    ]);
  });

  it('stop() ends the process and removes its temp dir', async () => {
    const other = await startAlertmanager({ config: configFor(hook.url) });
    const dir = path.dirname(other.configPath);
    await other.stop();
    expect(fs.existsSync(dir)).toBe(false);
    await expect(fetch(`${other.url}/-/ready`)).rejects.toThrow();
    expect(liveProcessCount()).toBe(1);
  });
});
