import * as http from 'http';

/**
 * An Alertmanager webhook receiver on loopback that records every notification, so that a test can wait for the one it
 * expects. The payload shape is Alertmanager's webhook message, version "4": its template data (receiver, status,
 * alerts, groupLabels, commonLabels, commonAnnotations, externalURL) plus version, groupKey and truncatedAlerts.
 */

export type AlertStatus = 'firing' | 'resolved';

/** One alert of a notification. */
export interface WebhookAlert {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339 times; endsAt is "0001-01-01T00:00:00Z" while Prometheus has not said when the alert ends. */
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** One notification (one POST) as Alertmanager sends it. */
export interface WebhookPayload {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  receiver: string;
  /** "firing" while any alert of the group fires, "resolved" once all of them have. */
  status: AlertStatus;
  alerts: WebhookAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
}

/** A payload and when it arrived. */
export interface ReceivedPayload {
  payload: WebhookPayload;
  /** Date.now() at arrival, in milliseconds. */
  receivedAtMs: number;
  path: string;
}

export interface WaitForPayloadOptions {
  /** Put in the timeout error, e.g. 'AdaCarbonSourceDown firing'. */
  what: string;
  timeoutMs?: number;
}

export interface WebhookReceiver {
  /** The URL to give a webhook_config, e.g. http://127.0.0.1:40123/alerts. */
  url: string;
  /** Every payload received so far, oldest first. */
  received(): readonly ReceivedPayload[];
  /** Requests that were refused (not a POST, or a body that is not a version 4 payload), with the reason. */
  rejected(): readonly string[];
  /**
   * The first payload, already received or still to come, for which `match` is true. Rejects after the timeout with a
   * summary of what did arrive.
   */
  waitFor(match: (p: WebhookPayload) => boolean, opts: WaitForPayloadOptions): Promise<ReceivedPayload>;
  stop(): Promise<void>;
}

const DEFAULT_WAIT_MS = 30000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the fields the tests rely on; the error names the first one that is missing or of the wrong type. */
export function parseWebhookPayload(body: string): WebhookPayload {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new Error(`webhook body is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new Error('webhook body is not a JSON object');
  if (value.version !== '4') throw new Error(`webhook payload version is ${JSON.stringify(value.version)}, not "4"`);
  if (value.status !== 'firing' && value.status !== 'resolved')
    throw new Error(`webhook payload status is ${JSON.stringify(value.status)}, not "firing" or "resolved"`);
  for (const key of ['groupLabels', 'commonLabels', 'commonAnnotations'] as const) {
    if (!isObject(value[key])) throw new Error(`webhook payload has no object "${key}"`);
  }
  if (!Array.isArray(value.alerts)) throw new Error('webhook payload has no array "alerts"');
  value.alerts.forEach((alert: unknown, i) => {
    if (!isObject(alert)) throw new Error(`webhook payload alerts[${i}] is not an object`);
    if (alert.status !== 'firing' && alert.status !== 'resolved')
      throw new Error(`webhook payload alerts[${i}].status is ${JSON.stringify(alert.status)}`);
    if (!isObject(alert.labels) || !isObject(alert.annotations))
      throw new Error(`webhook payload alerts[${i}] lacks labels or annotations`);
  });
  return value as unknown as WebhookPayload;
}

function summarise(received: readonly ReceivedPayload[]): string {
  if (received.length === 0) return 'nothing';
  return received
    .map(({ payload }) => {
      const names = payload.alerts.map((a) => `${a.labels.alertname ?? '?'}:${a.status}`).join(',');
      return `${payload.status}[${names}]`;
    })
    .join(' ');
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebhookReceiver(urlPath = '/alerts'): Promise<WebhookReceiver> {
  const received: ReceivedPayload[] = [];
  const rejected: string[] = [];
  const waiters = new Set<(r: ReceivedPayload) => void>();

  const server = http.createServer((req, res) => {
    const refuse = (code: number, reason: string): void => {
      rejected.push(`${req.method ?? '?'} ${req.url ?? '?'}: ${reason}`);
      res.writeHead(code, { 'content-type': 'text/plain' }).end(`${reason}\n`);
    };
    if (req.method !== 'POST') return refuse(405, 'only POST is accepted');
    readBody(req).then(
      (body) => {
        let payload: WebhookPayload;
        try {
          payload = parseWebhookPayload(body);
        } catch (err) {
          return refuse(400, (err as Error).message);
        }
        const entry = { payload, receivedAtMs: Date.now(), path: req.url ?? '' };
        received.push(entry);
        for (const notify of waiters) notify(entry);
        res.writeHead(200).end();
      },
      (err: Error) => refuse(413, err.message)
    );
  });
  // In-process server: port 0 lets the kernel pick a free port with no window for another process to take it.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('webhook receiver: could not read its port');

  const waitFor = (match: (p: WebhookPayload) => boolean, opts: WaitForPayloadOptions): Promise<ReceivedPayload> => {
    const already = received.find((r) => match(r.payload));
    if (already) return Promise.resolve(already);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise((resolve, reject) => {
      const onPayload = (r: ReceivedPayload): void => {
        if (!match(r.payload)) return;
        clearTimeout(timer);
        waiters.delete(onPayload);
        resolve(r);
      };
      const timer = setTimeout(() => {
        waiters.delete(onPayload);
        reject(
          new Error(
            `webhook receiver: no payload matching "${opts.what}" within ${timeoutMs} ms; received ${summarise(received)}`
          )
        );
      }, timeoutMs);
      waiters.add(onPayload);
    });
  };

  return {
    url: `http://127.0.0.1:${address.port}${urlPath}`,
    received: () => received,
    rejected: () => rejected,
    waitFor,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        // Alertmanager keeps connections alive; close them so that close() does not wait for its idle timeout.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The alerts of a payload with this alertname (and status, when given). */
export function alertsNamed(payload: WebhookPayload, alertname: string, status?: AlertStatus): WebhookAlert[] {
  return payload.alerts.filter(
    (a) => a.labels.alertname === alertname && (status === undefined || a.status === status)
  );
}
