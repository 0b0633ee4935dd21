import closeWithGrace from 'close-with-grace';
import type { LoadedConfig } from './config';
import { buildApp } from './app';
import { loggerOptions } from './logging/options';
import { LOCAL_JOB, LOCAL_PROJECT, LOCAL_SITE, startLocalStack, type LocalStack } from './localstack/stack';

/** serve: the local stack when no Prometheus is configured, then the app, then listen. Only boots. */
export async function serve(loaded: LoadedConfig, say: (line: string) => void = console.log): Promise<void> {
  const { config } = loaded;
  let stack: LocalStack | undefined;
  if (!config.prometheus.url) {
    say('No prometheus.url configured: starting a local stack (prometheus-node-exporter + Prometheus on loopback)...');
    stack = await startLocalStack({
      dataDir: config.localStack.dataDir,
      scrapeIntervalSeconds: config.localStack.scrapeIntervalSeconds,
      exporterAddress: `127.0.0.1:${config.server.port}`,
    });
    config.prometheus.url = stack.prometheusUrl;
    config.prometheus.selector = `job="${LOCAL_JOB}"`;
    config.sites[LOCAL_SITE] = { project: LOCAL_PROJECT };
  }

  const app = await buildApp({ loaded, autoStart: true, logger: loggerOptions(config.logLevel, config.logFormat) });
  closeWithGrace({ delay: 10000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    await app.close();
    await stack?.stop();
  });
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  const base = address.replace('0.0.0.0', '127.0.0.1');
  say(`ada-carbon is serving on ${address}`);
  say(`  metrics:    ${base}/metrics`);
  say(`  workspaces: ${base}/api/v1/workspaces`);
  say(`  readiness:  ${base}/readyz`);
  if (stack) {
    say(`  Prometheus: ${stack.prometheusUrl} (local stack; data in ${config.localStack.dataDir})`);
    say(`This machine is tracked as a workspace of site "${LOCAL_SITE}". Stop with Ctrl-C.`);
  }
}
