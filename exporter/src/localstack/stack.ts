import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { httpRequest } from '../sources/http';
import { PrometheusClient } from '../sources/prometheus';
import { freePort, startProcess, waitFor, type Managed } from './processes';

export const LOCAL_PROJECT = 'LOCAL';
export const LOCAL_SITE = 'local';
export const LOCAL_JOB = 'node';

const BINARIES = {
  prometheus: { env: 'ADA_CARBON_PROMETHEUS_BIN', path: '/usr/bin/prometheus', pkg: 'prometheus' },
  nodeExporter: {
    env: 'ADA_CARBON_NODE_EXPORTER_BIN',
    path: '/usr/bin/prometheus-node-exporter',
    pkg: 'prometheus-node-exporter',
  },
};

function binary(which: keyof typeof BINARIES): string {
  const b = BINARIES[which];
  const file = process.env[b.env] ?? b.path;
  if (!fs.existsSync(file)) {
    throw new Error(`${file} not found: install the Debian package ${b.pkg} (npm start does), or set ${b.env}`);
  }
  return file;
}

export interface LocalStack {
  prometheusUrl: string;
  nodeExporterUrl: string;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  dataDir: string;
  scrapeIntervalSeconds: number;
  /** where the exporter will listen, so the local Prometheus scrapes it too */
  exporterAddress: string;
}

/**
 * This machine as a one-workspace Ada: prometheus-node-exporter and Prometheus on loopback, data under dataDir.
 * The node target carries Ada's labels so the exporter sees an ordinary workspace.
 */
export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const dir = path.resolve(opts.dataDir);
  fs.mkdirSync(path.join(dir, 'prometheus'), { recursive: true });
  const started: Managed[] = [];
  const stop = async () => {
    for (const p of started.reverse()) await p.stop();
  };
  try {
    const nodePort = await freePort();
    const nodeExporter = startProcess(
      'prometheus-node-exporter',
      binary('nodeExporter'),
      [
        `--web.listen-address=127.0.0.1:${nodePort}`,
        '--collector.disable-defaults',
        '--collector.cpu',
        '--collector.meminfo',
        '--collector.stat',
        '--collector.loadavg',
        '--collector.uname',
      ],
      path.join(dir, 'node-exporter.log')
    );
    started.push(nodeExporter);
    const nodeExporterUrl = `http://127.0.0.1:${nodePort}`;
    await waitFor(nodeExporter, 'its /metrics', () => answers(`${nodeExporterUrl}/metrics`));

    const promPort = await freePort();
    const configFile = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(
      configFile,
      YAML.stringify({
        global: {
          scrape_interval: `${opts.scrapeIntervalSeconds}s`,
          evaluation_interval: `${opts.scrapeIntervalSeconds}s`,
        },
        scrape_configs: [
          {
            job_name: LOCAL_JOB,
            static_configs: [
              {
                targets: [`127.0.0.1:${nodePort}`],
                labels: { cloud_project_name: LOCAL_PROJECT, machine_name: 'local machine', host: os.hostname() },
              },
            ],
          },
          { job_name: 'ada-carbon', static_configs: [{ targets: [opts.exporterAddress] }] },
        ],
      })
    );
    const prometheus = startProcess(
      'prometheus',
      binary('prometheus'),
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--storage.tsdb.retention.time=30d',
      ],
      path.join(dir, 'prometheus.log')
    );
    started.push(prometheus);
    const prometheusUrl = `http://127.0.0.1:${promPort}`;
    await waitFor(prometheus, 'readiness', () => answers(`${prometheusUrl}/-/ready`));
    // the first tracking cycle should already see this machine
    const client = new PrometheusClient({ url: prometheusUrl, timeoutSeconds: 5, retries: 0 });
    await waitFor(
      prometheus,
      'the first node_exporter scrape',
      async () => (await client.instantQuery(`up{job="${LOCAL_JOB}"} == 1`)).length > 0,
      60000
    );
    return { prometheusUrl, nodeExporterUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function answers(url: string): Promise<boolean> {
  const res = await httpRequest({ method: 'GET', url, timeoutSeconds: 5 });
  return res.status >= 200 && res.status < 300;
}
