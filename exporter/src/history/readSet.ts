// One host set of a chunk read from Prometheus: the boundary table's usage per target and half-hour, the
// half-hours to recount from raw samples, and the targets that lived only between two boundaries (counted here).
import type { LimitFunction } from 'p-limit';
import type { Config } from '../config';
import type { PrometheusClient } from '../sources/prometheus';
import type { Series } from '../sources/prometheus/parse';
import { BoundaryTable, countCpus, type HalfHourUsage, type Irregular } from './boundaries';
import { inSet, type HostSet } from './hostSets';
import { cpuCountQuery, cpuSeriesMatchers, groupLabels, stateQueries, targetsQuery } from './queries';
import { betweenBoundaries } from './rawRecount';
import { fillFromRemoteRead, type RemoteReadState } from './remoteRead';
import { HALF_HOUR_SECONDS } from './types';

export type CpuSeries = ReturnType<typeof countCpus>;
/** The run's one series call over all its chunks: which path to take, and the targets when there is one chunk. */
export interface RunSeries {
  fromSeconds: number;
  toSeconds: number;
  found: CpuSeries;
}

export interface ReadDeps {
  config: Config;
  prometheus: PrometheusClient;
  limit: LimitFunction;
  /** the run's remote read state; range queries only when unset */
  remote?: RemoteReadState;
}

export interface SetUsage {
  usage: HalfHourUsage[];
  irregular: Irregular[];
  recorded: boolean;
}

/** A series call (index only): the targets, and whether the recording rules' series exist. */
export function cpuSeries(deps: ReadDeps, a: number, b: number, project?: string, set?: HostSet): Promise<CpuSeries> {
  const { config, prometheus } = deps;
  return deps.limit(async () =>
    countCpus(await prometheus.series(cpuSeriesMatchers(config, project, set), a, b), groupLabels(config.labels))
  );
}

/**
 * [a, b) for the targets of one host set (all when undefined). Requests: the targets query (boot time, memory) beside
 * a series call (index only: the targets, and whether the recording rules' series exist; the run's, when the run is
 * this one chunk), then the state queries of the recorded path, or those of the raw path and its CPU count query,
 * side by side, and one raw-sample request per target that lived only between two boundaries. Throws on any failure.
 */
export async function readSet(
  deps: ReadDeps,
  a: number,
  b: number,
  project: string | undefined,
  run: RunSeries | undefined,
  set: HostSet
): Promise<SetUsage> {
  const { config, prometheus } = deps;
  const names = groupLabels(config.labels);
  const range = (expr: string): Promise<Series[]> =>
    deps.limit(() => prometheus.rangeQuery(expr, a, b, HALF_HOUR_SECONDS));
  // both paths read the targets query: started first, beside the series call that picks the path
  const targets = range(targetsQuery(config, project, set).expr);
  targets.catch(() => undefined);
  // the run's series call when it is this chunk's, else one of the chunk's own: first when the run's failed
  // (it picks the path), else side by side with the queries (only the CPU counts are needed, at the end)
  let found: Promise<CpuSeries>;
  let picked: CpuSeries;
  if (run) {
    picked = run.found;
    found =
      run.fromSeconds === a && run.toSeconds === b ? Promise.resolve(run.found) : cpuSeries(deps, a, b, project, set);
    found.catch(() => undefined);
  } else {
    picked = await cpuSeries(deps, a, b, project, set);
    found = Promise.resolve(picked);
  }
  const fill = async (fromRules: boolean): Promise<BoundaryTable> => {
    const table = new BoundaryTable(a, b, names);
    // the raw path's CPU counts per boundary (the rules record their own)
    const remote = deps.remote;
    const targetsIn = targets.then((answer) => table.add('targets', answer));
    targetsIn.catch(() => undefined);
    if (!fromRules && remote?.enabled && (await fillFromRemoteRead({ ...deps, remote }, table, a, b, project, set))) {
      await targetsIn;
      return table;
    }
    const queries = stateQueries(config, project, fromRules, set);
    if (!fromRules) queries.push({ kind: 'cpus', expr: cpuCountQuery(config, project, set) });
    await Promise.all([targetsIn, ...queries.map(async ({ kind, expr }) => table.add(kind, await range(expr)))]);
    return table;
  };
  // the recorded path when the rules' series exist; the answers then show whether every boundary where a
  // target exists is covered (rules deployed mid-range, a rule outage, a new target), else the raw counters
  let recorded = picked.recorded;
  let table = recorded ? await fill(true) : undefined;
  if (table && !table.covered()) {
    recorded = false;
    table = undefined;
  }
  const chunk = await found;
  table ??= await fill(false);
  const { usage, irregular } = table.difference();
  // targets with CPU series in the chunk but at no boundary lived only between two: counted from raw samples
  for (const [key, labels] of chunk.labels) {
    if (inSet(set, labels) && !table.hasCounters(key))
      usage.push(...(await betweenBoundaries(deps, table, key, labels, project)));
  }
  return { usage, irregular, recorded };
}
