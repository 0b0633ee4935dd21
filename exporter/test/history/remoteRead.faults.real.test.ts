/**
 * Remote read under faults, through a proxy in front of a real Prometheus: a stream cut or corrupted after its first
 * frames fails the hours it was for (not retried: part of the answer was consumed) and a later run fills them in;
 * a 5xx before any frame is retried.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openHistory } from '../../src/history/context';
import { clients, END, historyConfig, START, startUpstreams, type Upstreams } from './support';

type Mode = 'pass' | 'cut' | 'corrupt' | 'http500-once';

interface ReadProxy {
  url: string;
  mode: Mode;
  reads: number;
  close(): Promise<void>;
}

/** Passes everything to Prometheus; remote read answers are cut or corrupted past their first 2 KB as told. */
async function startReadProxy(target: string): Promise<ReadProxy> {
  const state: ReadProxy = { url: '', mode: 'pass', reads: 0, close: () => Promise.resolve() };
  const server = http.createServer((req, res) => {
    const isRead = req.url?.startsWith('/api/v1/read') ?? false;
    if (isRead) state.reads++;
    if (isRead && state.mode === 'http500-once') {
      state.mode = 'pass';
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain' }).end('injected 500');
      return;
    }
    const up = http.request(target + (req.url ?? '/'), { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      let sent = 0;
      r.on('data', (chunk: Buffer) => {
        if (isRead && state.mode !== 'pass' && sent + chunk.length > 2048) {
          if (state.mode === 'cut') {
            res.write(chunk.subarray(0, Math.max(0, 2048 - sent)));
            res.destroy();
            r.destroy();
            return;
          }
          const bad = Buffer.from(chunk);
          const at = bad.length >> 1;
          bad[at] = bad[at]! ^ 0xff;
          chunk = bad;
        }
        sent += chunk.length;
        res.write(chunk);
      });
      r.on('end', () => res.end());
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}

let up: Upstreams;
let proxy: ReadProxy;

beforeAll(async () => {
  up = await startUpstreams();
  proxy = await startReadProxy(up.prom.url);
}, 120000);

afterAll(async () => {
  await proxy?.close();
  await up?.stop();
});

describe('remote read faults', () => {
  it.each(['cut', 'corrupt'] as const)(
    'a stream %s after its first frames fails its hours, and the next run fills them in',
    async (mode) => {
      const loaded = historyConfig(up, { history: { hoursPerQuery: 6, remoteRead: 'on' } }, proxy.url);
      const ctx = await openHistory({ config: loaded.config, ...clients(loaded) });
      try {
        proxy.mode = mode;
        const first = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
        expect(first).toMatchObject({ hoursEstimated: 0, hoursFailed: 6, remoteReadOff: null });
        expect(first.errors.join()).toMatch(mode === 'cut' ? /\/api\/v1\/read/ : /CRC-32C/);
        proxy.mode = 'pass';
        const reads = proxy.reads;
        const second = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
        expect(second).toMatchObject({ hoursEstimated: 6, hoursFailed: 0, remoteReadOff: null });
        expect(proxy.reads - reads).toBe(1); // one chunk of 6 hours, one read
        expect(second.samplesFromRemoteRead).toBeGreaterThan(0);
      } finally {
        await ctx.close();
      }
    }
  );

  it('retries a 5xx that came before any frame', async () => {
    const loaded = historyConfig(
      up,
      {
        history: { hoursPerQuery: 6, remoteRead: 'on' },
        prometheus: { url: proxy.url, retries: 2, timeoutSeconds: 10 },
      },
      proxy.url
    );
    const ctx = await openHistory({ config: loaded.config, ...clients(loaded) });
    try {
      proxy.mode = 'http500-once';
      const reads = proxy.reads;
      const run = await ctx.runner.run({ fromSeconds: START, toSeconds: END });
      expect(run).toMatchObject({ hoursEstimated: 6, hoursFailed: 0 });
      expect(proxy.reads - reads).toBe(2);
    } finally {
      await ctx.close();
    }
  });
});
