import { alertsNamed, parseWebhookPayload, startWebhookReceiver, type WebhookReceiver } from './webhook';

/** A payload of the shape Alertmanager 0.25 sends (notify/webhook: template data plus version, groupKey). */
function payload(status: 'firing' | 'resolved', alertname: string): Record<string, unknown> {
  return {
    receiver: 'test',
    status,
    alerts: [
      {
        status,
        labels: { alertname, site: 'isis' },
        annotations: { summary: `${alertname} summary` },
        startsAt: '2026-01-01T00:00:00Z',
        endsAt: status === 'resolved' ? '2026-01-01T00:05:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://127.0.0.1:9090/graph',
        fingerprint: '0123456789abcdef',
      },
    ],
    groupLabels: { alertname },
    commonLabels: { alertname, site: 'isis' },
    commonAnnotations: { summary: `${alertname} summary` },
    externalURL: 'http://127.0.0.1:9093',
    version: '4',
    groupKey: `{}:{alertname="${alertname}"}`,
    truncatedAlerts: 0,
  };
}

const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('webhook receiver', () => {
  let hook: WebhookReceiver;
  beforeAll(async () => {
    hook = await startWebhookReceiver();
  });
  afterAll(() => hook.stop());

  it('listens on loopback and records POSTed payloads in order', async () => {
    expect(hook.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/alerts$/);
    expect((await post(hook.url, payload('firing', 'First'))).status).toBe(200);
    expect((await post(hook.url, payload('resolved', 'First'))).status).toBe(200);
    const got = hook.received().map((r) => r.payload.status);
    expect(got).toEqual(['firing', 'resolved']);
    expect(hook.received()[0]?.path).toBe('/alerts');
  });

  it('waitFor returns a payload that already arrived, and one that arrives later', async () => {
    const early = await hook.waitFor((p) => p.status === 'resolved', { what: 'First resolved', timeoutMs: 100 });
    expect(alertsNamed(early.payload, 'First', 'resolved')).toHaveLength(1);

    const later = hook.waitFor((p) => alertsNamed(p, 'Second').length > 0, { what: 'Second', timeoutMs: 5000 });
    setTimeout(() => void post(hook.url, payload('firing', 'Second')), 50);
    const r = await later;
    expect(r.payload.alerts[0]?.labels).toEqual({ alertname: 'Second', site: 'isis' });
    expect(r.receivedAtMs).toBeLessThanOrEqual(Date.now());
  });

  it('waitFor times out with what it was waiting for and what did arrive', async () => {
    const t0 = Date.now();
    await expect(
      hook.waitFor((p) => p.receiver === 'nobody', { what: 'a payload for nobody', timeoutMs: 200 })
    ).rejects.toThrow(
      /no payload matching "a payload for nobody" within 200 ms; received firing\[First:firing\] resolved\[First:resolved\]/
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('refuses other methods and bodies that are not version 4 payloads, without recording them', async () => {
    const before = hook.received().length;
    expect((await fetch(hook.url)).status).toBe(405);
    expect((await post(hook.url, '{not json')).status).toBe(400);
    const v3 = { ...payload('firing', 'Old'), version: '3' };
    const res = await post(hook.url, v3);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/version is "3", not "4"/);
    expect(hook.received()).toHaveLength(before);
    expect(hook.rejected()).toHaveLength(3);
  });

  it('parseWebhookPayload names the field that is wrong', () => {
    const good = payload('firing', 'X');
    expect(parseWebhookPayload(JSON.stringify(good)).groupKey).toBe('{}:{alertname="X"}');
    expect(() => parseWebhookPayload('[]')).toThrow('not a JSON object');
    expect(() => parseWebhookPayload(JSON.stringify({ ...good, status: 'pending' }))).toThrow(/status is "pending"/);
    expect(() => parseWebhookPayload(JSON.stringify({ ...good, groupLabels: undefined }))).toThrow(/"groupLabels"/);
    expect(() => parseWebhookPayload(JSON.stringify({ ...good, alerts: [{ status: 'firing' }] }))).toThrow(
      /alerts\[0\] lacks labels or annotations/
    );
  });

  it('stop() closes the port', async () => {
    const other = await startWebhookReceiver('/x');
    await other.stop();
    await expect(post(other.url, payload('firing', 'Gone'))).rejects.toThrow();
  });
});
