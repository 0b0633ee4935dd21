import * as fs from 'fs';

export type BinaryName = 'prometheus' | 'promtool' | 'nodeExporter' | 'alertmanager' | 'victoriaMetrics';

interface BinaryInfo {
  envVar: string;
  defaultPath: string;
  debianPackage: string;
}

const INFO: Record<BinaryName, BinaryInfo> = {
  prometheus: { envVar: 'ADA_CARBON_PROMETHEUS_BIN', defaultPath: '/usr/bin/prometheus', debianPackage: 'prometheus' },
  promtool: { envVar: 'ADA_CARBON_PROMTOOL_BIN', defaultPath: '/usr/bin/promtool', debianPackage: 'prometheus' },
  nodeExporter: {
    envVar: 'ADA_CARBON_NODE_EXPORTER_BIN',
    defaultPath: '/usr/bin/prometheus-node-exporter',
    debianPackage: 'prometheus-node-exporter',
  },
  alertmanager: {
    envVar: 'ADA_CARBON_ALERTMANAGER_BIN',
    defaultPath: '/usr/bin/prometheus-alertmanager',
    debianPackage: 'prometheus-alertmanager',
  },
  victoriaMetrics: {
    envVar: 'ADA_CARBON_VICTORIA_METRICS_BIN',
    defaultPath: '/usr/bin/victoria-metrics',
    debianPackage: 'victoria-metrics',
  },
};

function resolvePath(name: BinaryName): string {
  const info = INFO[name];
  const fromEnv = process.env[info.envVar];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : info.defaultPath;
}

/** Paths of the real binaries the harness runs (Debian defaults, overridable per binary by environment variable). */
export const BINARIES: Readonly<Record<BinaryName, string>> = Object.freeze({
  prometheus: resolvePath('prometheus'),
  promtool: resolvePath('promtool'),
  nodeExporter: resolvePath('nodeExporter'),
  alertmanager: resolvePath('alertmanager'),
  victoriaMetrics: resolvePath('victoriaMetrics'),
});

/** The path of an executable binary, or an error that says how to get it. */
export function requireBinary(name: BinaryName): string {
  const info = INFO[name];
  const path = BINARIES[name];
  try {
    fs.accessSync(path, fs.constants.X_OK);
  } catch {
    throw new Error(
      `${name} binary not found or not executable at ${path}. ` +
        `Install it with \`apt-get install -y ${info.debianPackage}\` (Debian package "${info.debianPackage}"), ` +
        `or point ${info.envVar} at an existing binary.`
    );
  }
  return path;
}
