export interface ConfigIssue {
  /** Dotted key path, e.g. "prometheus.timeoutSeconds". */
  key: string;
  message: string;
  /** Where the offending value came from: the file, an environment variable, or the config as a whole. */
  origin?: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      issues.length === 1
        ? `invalid configuration: ${formatIssue(issues[0] as ConfigIssue)}`
        : `invalid configuration (${issues.length} errors):\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`
    );
    this.name = 'ConfigError';
  }
}

export function formatIssue(i: ConfigIssue): string {
  // a problem with the file as a whole reads best as "file: what is wrong"
  if (!i.key && i.origin) return `${i.origin}: ${i.message}`;
  return `${i.key || '(root)'}: ${i.message}${i.origin ? ` [${i.origin}]` : ''}`;
}

/** The dotted key of an ajv instance path ("/machines/Artemis ~1 x" -> "machines.Artemis / x"). */
export function keyOf(instancePath: string): string[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
