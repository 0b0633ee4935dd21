// A proxy in front of a real Prometheus that answers 503 for any query touching one of the failing hours.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HourFaultProxy {
  url: string;
  /** hour starts (unix seconds) whose queries fail; change it between runs */
  failHours: Set<number>;
  close(): Promise<void>;
}

export async function startHourFaultProxy(target: string): Promise<HourFaultProxy> {
  const failHours = new Set<number>();
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    const answer = async () => {
      const body = Buffer.concat(chunks).toString();
      const p = new URLSearchParams(body);
      const start = Number(p.get('start') ?? Number(p.get('time')) - 1800);
      const end = Number(p.get('end') ?? p.get('time'));
      if ([...failHours].some((h) => h < end && h + 3600 > start)) {
        res.writeHead(503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'injected outage' }));
        return;
      }
      const r = await fetch(target + req.url, {
        method: req.method,
        headers: { 'Content-Type': String(req.headers['content-type'] ?? '') },
        body: req.method === 'POST' ? body : undefined,
      });
      res.writeHead(r.status, { 'Content-Type': 'application/json' });
      res.end(await r.text());
    };
    // an unreachable Prometheus reaches the client as a dropped connection, as through a real proxy
    req.on('end', () => {
      answer().catch(() => res.destroy());
    });
  });
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    failHours,
    close: () => new Promise<void>((ok) => proxy.close(() => ok())),
  };
}
