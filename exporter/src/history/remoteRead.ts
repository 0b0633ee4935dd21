// The raw path's busy, idle, other and CPU-count answers of one host set and chunk from one remote read of the
// stored samples (remoteSums.ts), in place of four range queries; a server without remote read turns it off for the
// rest of the run, and the range queries answer instead.
import type { Config } from '../config';
import { PrometheusError, type PrometheusClient } from '../sources/prometheus';
import { parseMatchers } from '../sources/prometheus/remoteRead/matchers';
import type { LimitFunction } from 'p-limit';
import { runSliced, slicer } from '../tracking/slices';
import type { BoundaryTable } from './boundaries';
import type { HostSet } from './hostSets';
import { scopeSelector } from './queries';
import { BoundarySums, LOOKBACK_SECONDS } from './remoteSums';

/** Per run: whether remote read is still tried, and how the server's lookback window treats its left edge. */
export interface RemoteReadState {
  enabled: boolean;
  lookbackOpen: boolean;
  /** why it was turned off, when it was */
  offBecause?: string;
  /** samples decoded so far */
  samples: number;
}

/** Statuses that say "no remote read here" (not found, method, media type, not implemented), not a failure. */
const UNSUPPORTED = new Set([400, 404, 405, 406, 415, 501]);

export function isUnsupported(err: unknown): boolean {
  if (!(err instanceof PrometheusError)) return false;
  if (err.kind === 'http') return err.status !== undefined && UNSUPPORTED.has(err.status);
  return err.kind === 'parse' && !err.retryable && err.message.includes('not streamed chunks');
}

export interface RemoteDeps {
  config: Config;
  prometheus: PrometheusClient;
  limit: LimitFunction;
  remote: RemoteReadState;
}

/**
 * Fills the table's busy, idle, other and CPU columns for [a, b) from remote read; false (and remote read turned
 * off for the run) when the server does not offer it or the selector is not plain label matchers. Throws on failure.
 */
export async function fillFromRemoteRead(
  deps: RemoteDeps,
  table: BoundaryTable,
  a: number,
  b: number,
  project: string | undefined,
  set: HostSet
): Promise<boolean> {
  const { remote } = deps;
  const turnOff = (err: unknown): false => {
    remote.enabled = false;
    remote.offBecause = (err as Error).message;
    return false;
  };
  let matchers;
  try {
    matchers = parseMatchers(scopeSelector(deps.config, project, set).join(', '));
  } catch (err) {
    return turnOff(err);
  }
  matchers.push({ name: '__name__', op: '=', value: 'node_cpu_seconds_total' });
  const sums = new BoundarySums(a, b, table.names, remote.lookbackOpen);
  const pause = slicer();
  try {
    await deps.limit(() =>
      deps.prometheus.remoteRead([{ startMs: (a - LOOKBACK_SECONDS) * 1000, endMs: b * 1000, matchers }], (s) => {
        sums.add(s.labels, s.chunks);
        return pause();
      })
    );
  } catch (err) {
    if (!isUnsupported(err)) throw err;
    return turnOff(err);
  }
  remote.samples += sums.samples;
  await runSliced(sums.fillSteps(table));
  return true;
}
