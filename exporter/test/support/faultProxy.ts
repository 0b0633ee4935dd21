/**
 * FAULT INJECTOR (test double): an HTTP proxy in front of a REAL Prometheus that can refuse, stall, answer with an
 * error envelope, or turn values into NaN/Inf, so outages can be switched on and off mid-run.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode = 'pass' | 'down' | 'slow' | 'envelope' | 'nan' | 'http500';

export interface FaultProxy {
  url: string;
  mode: FaultMode;
  /** which queries 'nan' poisons (substring of the PromQL); all when undefined */
  nanMatch?: string;
  requests: number;
  stop(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const state: FaultProxy = { url: '', mode: 'pass', requests: 0, stop: () => Promise.resolve() };
  const server = http.createServer((req, res) => {
    state.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    const answer = async () => {
      const body = Buffer.concat(chunks);
      switch (state.mode) {
        case 'down':
          req.socket.destroy();
          return;
        case 'slow':
          setTimeout(() => res.destroyed || res.end(), 30000).unref();
          return;
        case 'envelope':
          res.writeHead(422, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              status: 'error',
              errorType: 'execution',
              error: 'query processing would load too many samples into memory',
            })
          );
          return;
        case 'http500':
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error');
          return;
        default:
      }
      const upstream = await fetch(new URL(req.url ?? '/', target), {
        method: req.method,
        body: req.method === 'POST' ? body : undefined,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded' },
      });
      let text = await upstream.text();
      if (
        state.mode === 'nan' &&
        (state.nanMatch === undefined ||
          decodeURIComponent(body.toString().replace(/\+/g, ' ')).includes(state.nanMatch))
      ) {
        let i = 0;
        text = text.replace(
          /"value":\[([0-9.]+),"[^"]*"\]/g,
          (_m, ts) => `"value":[${ts},"${i++ % 2 ? '+Inf' : 'NaN'}"]`
        );
      }
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(text);
    };
    // an unreachable upstream reaches the client as a dropped connection, as through a real proxy
    req.on('end', () => {
      answer().catch(() => res.destroy());
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return state;
}
