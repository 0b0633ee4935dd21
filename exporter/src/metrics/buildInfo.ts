import { Gauge, type Registry } from 'prom-client';

export const BUILD_INFO = 'ada_carbon_build_info';

export function buildInfo(registry: Registry, version: string): void {
  new Gauge({
    name: BUILD_INFO, help: 'Always 1; the version label says which ada-carbon build is running.',
    labelNames: ['version', 'nodejs_version'] as const, registers: [registry],
  }).set({ version, nodejs_version: process.version }, 1);
}
