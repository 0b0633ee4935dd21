import * as http from 'http';

/**
 * A scrape target standing in for the exporter: it serves gauges the test sets, in the text exposition format, so that
 * a real Prometheus sees `ada_carbon_source_up{source="carbon_intensity"} 0` and later 1 without driving the exporter's
 * upstreams.
 */
export interface Gauge {
  name: string;
  help: string;
  labels: Record<string, string>;
  value: number;
}

export interface RunningGaugeStandIn {
  /** host:port, as a scrape config target. */
  target: string;
  /** Sets (or adds) the sample of `name` with exactly these labels. */
  set(name: string, labels: Record<string, string>, value: number): void;
  /** The body the next scrape gets. */
  exposition(): string;
  /** How many times /metrics was fetched. */
  scrapes(): number;
  stop(): Promise<void>;
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
function seriesKey(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

export async function startGaugeStandIn(initial: Gauge[]): Promise<RunningGaugeStandIn> {
  const help = new Map<string, string>();
  const samples = new Map<string, { name: string; value: number }>();
  for (const g of initial) {
    help.set(g.name, g.help);
    samples.set(seriesKey(g.name, g.labels), { name: g.name, value: g.value });
  }
  let scrapes = 0;

  const exposition = (): string => {
    const lines: string[] = [];
    // Each family whole, HELP and TYPE first, as the text format wants.
    for (const [name, text] of help) {
      lines.push(`# HELP ${name} ${text}`, `# TYPE ${name} gauge`);
      for (const [key, s] of samples) if (s.name === name) lines.push(`${key} ${s.value}`);
    }
    return `${lines.join('\n')}\n`;
  };

  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    scrapes++;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(exposition());
  });
  // In-process server: port 0 lets the kernel pick a free port with no window for another process to take it.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('gauge stand-in: could not read its port');

  return {
    target: `127.0.0.1:${address.port}`,
    set: (name, labels, value) => {
      if (!help.has(name)) throw new Error(`gauge stand-in: ${name} was not declared at start`);
      samples.set(seriesKey(name, labels), { name, value });
    },
    exposition,
    scrapes: () => scrapes,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
