/** TLS: the client trusts a private CA given as PEM (prometheus.caFile) and refuses an unknown one. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { PrometheusClient, PrometheusError } from '../../src/sources/prometheus';
import { fixture } from './httpStub';

let server: https.Server;
let url: string;
let caPem: string;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' }
  );
  caPem = fs.readFileSync(cert, 'utf8');
  server = https.createServer({ key: fs.readFileSync(key), cert: caPem }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(fixture('prometheus/query_up.json'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => new Promise<void>((r) => server.close(() => r())));

describe('Prometheus client over TLS', () => {
  it('queries through https with the configured CA', async () => {
    const client = new PrometheusClient({ url, caCert: caPem, timeoutSeconds: 5, retries: 0 });
    const up = await client.instantQuery('up');
    expect(up.length).toBeGreaterThan(0);
    expect(up[0]!.value).toBe(1);
  });

  it('refuses a certificate it does not trust, as a network error that says so', async () => {
    const client = new PrometheusClient({ url, timeoutSeconds: 5, retries: 0 });
    const err = await client.instantQuery('up').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusError);
    expect((err as PrometheusError).kind).toBe('network');
    expect((err as PrometheusError).message).toMatch(/certificate/i);
  });

  it('skips verification only when told to', async () => {
    const client = new PrometheusClient({ url, insecureSkipVerify: true, timeoutSeconds: 5, retries: 0 });
    await expect(client.instantQuery('up')).resolves.toHaveLength(
      (await new PrometheusClient({ url, caCert: caPem, timeoutSeconds: 5, retries: 0 }).instantQuery('up')).length
    );
  });
});
