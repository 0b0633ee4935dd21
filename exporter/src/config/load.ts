import fs from 'node:fs';
import path from 'node:path';
import type { Config, MachineProfile } from './schema';
import { DEFAULTS } from './defaults';
import { envBindings, envLayer } from './env';
import { valueAt } from './keys';
import { ConfigError, type ConfigIssue } from './issues';
import { schemaIssues } from './validate';
import { parseConfigYaml } from './yaml';

export { ConfigError, formatIssue, type ConfigIssue } from './issues';

/** Secret material resolved from values or files; kept apart from Config so printing the config can never leak it. */
export interface Secrets {
  prometheusBearerToken?: string;
  prometheusBasicAuth?: { username: string; password: string };
  prometheusCaCert?: string;
  /** the admin token: server.auth.adminToken, or its deprecated alias server.apiToken */
  apiToken?: string;
  /** the trusted front's token (server.auth.proxyToken) */
  proxyToken?: string;
}

export interface LoadedConfig {
  config: Config;
  secrets: Secrets;
  file?: string;
  envKeys: string[];
}

export interface LoadOptions {
  /** Path given with --config; it must exist. */
  file?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_CONFIG_FILE = 'ada-carbon.yaml';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function readFileIssue(file: string, key: string, issues: ConfigIssue[], cwd: string): string | undefined {
  if (file.includes('\u0000')) return undefined; // already reported by validation
  try {
    return fs.readFileSync(path.resolve(cwd, file), 'utf8').trim();
  } catch (err) {
    issues.push({ key, message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    return undefined;
  }
}

/** Cross-field rules a JSON schema cannot say well. */
function semanticIssues(config: Config, issues: ConfigIssue[], origins: Map<string, string>): void {
  const p = config.prometheus;
  tokenIssue('prometheus.bearerToken', p.bearerToken, issues, origins);
  tokenIssue('server.apiToken', config.server.apiToken, issues, origins);
  authIssues(config.server, issues, origins);
  if (p.bearerToken && p.bearerTokenFile) {
    issues.push({ key: 'prometheus.bearerTokenFile', message: 'set either bearerToken or bearerTokenFile, not both' });
  }
  if ((p.bearerToken || p.bearerTokenFile) && p.basicAuth) {
    issues.push({ key: 'prometheus.basicAuth', message: 'set either a bearer token or basicAuth, not both' });
  }
  if (p.basicAuth && (p.basicAuth.password === undefined) === (p.basicAuth.passwordFile === undefined)) {
    issues.push({ key: 'prometheus.basicAuth.password', message: 'set exactly one of password or passwordFile' });
  }
  const seen = new Map<string, string>();
  for (const [site, { project }] of Object.entries(config.sites)) {
    const other = seen.get(project);
    if (other) issues.push({ key: `sites.${site}.project`, message: `project ${project} is already site ${other}` });
    seen.set(project, site);
  }
  for (const name of Object.keys(config.machines)) {
    const prof = resolveMachineProfile(config, name === 'default' ? undefined : name);
    if (prof.idleWattsPerCpu > prof.busyWattsPerCpu) {
      issues.push({ key: `machines.${name}.idleWattsPerCpu`, message: 'must not exceed busyWattsPerCpu' });
    }
  }
}

/** The admin token and its alias agree, and the proxy token is a different secret (else the proxy would be admin). */
function authIssues(server: Config['server'], issues: ConfigIssue[], origins: Map<string, string>): void {
  const { adminToken, proxyToken } = server.auth;
  tokenIssue('server.auth.adminToken', adminToken, issues, origins);
  tokenIssue('server.auth.proxyToken', proxyToken, issues, origins);
  if (adminToken !== undefined && server.apiToken !== undefined && adminToken !== server.apiToken) {
    issues.push({ key: 'server.apiToken', message: 'set server.auth.adminToken or its deprecated alias, not both' });
  }
  const admin = adminToken ?? server.apiToken;
  if (proxyToken !== undefined && proxyToken === admin) {
    issues.push({ key: 'server.auth.proxyToken', message: 'must differ from the admin token' });
  }
  if (server.auth.userHeader.toLowerCase() === 'authorization') {
    issues.push({ key: 'server.auth.userHeader', message: 'must not be Authorization (it carries the tokens)' });
  }
}

/** A bearer token travels in a header whose surrounding whitespace is dropped: such a token could never match. */
function tokenIssue(key: string, token: unknown, issues: ConfigIssue[], origins: Map<string, string>): void {
  if (typeof token !== 'string') return; // a wrong type is reported by validation
  const message =
    token.trim() === ''
      ? 'must not be blank (it is only whitespace)'
      : token.trim() !== token
        ? 'must not begin or end with whitespace'
        : undefined;
  if (message) issues.push({ key, message, origin: origins.get(key) });
}

/** The profile of a machine type: machines[name] over machines.default over the built-in default. */
export function resolveMachineProfile(config: Pick<Config, 'machines'>, machine?: string): MachineProfile {
  const base = { ...DEFAULTS.machines.default, ...config.machines.default } as MachineProfile;
  const own = machine !== undefined ? config.machines[machine] : undefined;
  return own ? { ...base, ...own } : base;
}

/** defaults -> file -> env, then one validation that reports every error with its key. Throws ConfigError. */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const issues: ConfigIssue[] = [];
  let merged: Json = structuredClone(DEFAULTS);

  let file: string | undefined;
  if (opts.file?.includes('\u0000')) issues.push({ key: '--config', message: 'the path must not contain a NUL byte' });
  else if (opts.file) file = path.resolve(cwd, opts.file);
  else if (fs.existsSync(path.join(cwd, DEFAULT_CONFIG_FILE))) file = path.join(cwd, DEFAULT_CONFIG_FILE);

  if (file) {
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      issues.push({
        key: '',
        message: `cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      });
    }
    const parsed = text === undefined ? undefined : parseConfigYaml(text);
    if (parsed && 'errors' in parsed) {
      for (const message of parsed.errors) issues.push({ key: '', message, origin: file });
    } else if (parsed?.value === null || parsed?.value === undefined) {
      // an empty file means "all defaults"
    } else if (!isObject(parsed.value)) {
      issues.push({ key: '', message: 'the config file must hold a mapping of keys', origin: file });
    } else {
      merged = deepMerge(merged, parsed.value);
    }
  }

  const { values, origins, envKeys, issues: envIssues } = envLayer(env);
  issues.push(...envIssues);
  merged = deepMerge(merged, values);

  issues.push(...schemaIssues(merged, origins));
  const config = merged as unknown as Config;
  try {
    semanticIssues(config, issues, origins);
  } catch {
    // the structure is already reported invalid; cross-field rules cannot be checked on it
  }

  let secrets: Secrets = {};
  try {
    secrets = resolveSecrets(config, issues, cwd);
  } catch {
    // structure already reported invalid
  }
  if (issues.length > 0) throw new ConfigError(dedupe(issues));

  return { config, secrets, file, envKeys };
}

/** Reads token, password and CA files named by the config; a missing file is an issue on its key. */
function resolveSecrets(config: Config, issues: ConfigIssue[], cwd: string): Secrets {
  const secrets: Secrets = {};
  const p = config.prometheus;
  if (p.bearerToken) secrets.prometheusBearerToken = p.bearerToken;
  if (p.bearerTokenFile)
    secrets.prometheusBearerToken = readFileIssue(p.bearerTokenFile, 'prometheus.bearerTokenFile', issues, cwd);
  if (p.basicAuth) {
    const password =
      p.basicAuth.password ??
      (p.basicAuth.passwordFile
        ? readFileIssue(p.basicAuth.passwordFile, 'prometheus.basicAuth.passwordFile', issues, cwd)
        : undefined);
    if (password !== undefined) secrets.prometheusBasicAuth = { username: p.basicAuth.username, password };
  }
  if (p.caFile) {
    const ca = readFileIssue(p.caFile, 'prometheus.caFile', issues, cwd);
    if (ca !== undefined && !ca.includes('BEGIN CERTIFICATE')) {
      issues.push({ key: 'prometheus.caFile', message: `${p.caFile} holds no PEM certificate` });
    }
    secrets.prometheusCaCert = ca;
  }
  const admin = config.server?.auth?.adminToken ?? config.server?.apiToken;
  if (admin) secrets.apiToken = admin;
  if (config.server?.auth?.proxyToken) secrets.proxyToken = config.server.auth.proxyToken;
  return secrets;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.key}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const REDACTED = '<redacted>';

/**
 * A copy of the config safe to print or serve: every key the schema marks `secret` is replaced (a URL keeps all but
 * its password), and so is a password inside the Prometheus URL.
 */
export function redactConfig(config: Config): Config {
  const copy = structuredClone(config) as unknown as Json;
  for (const b of envBindings()) {
    if (!b.secret) continue;
    const parent = valueAt(copy, b.path.slice(0, -1));
    const leaf = b.path[b.path.length - 1] as string;
    if (!isObject(parent) || typeof parent[leaf] !== 'string') continue;
    const value = parent[leaf];
    parent[leaf] = value.includes('://') ? redactUrl(value) : REDACTED;
  }
  const redacted = copy as unknown as Config;
  if (redacted.prometheus.url) redacted.prometheus.url = redactUrl(redacted.prometheus.url);
  return redacted;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = REDACTED;
    return u.toString();
  } catch {
    return url;
  }
}
