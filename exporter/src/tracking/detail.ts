import type { PrometheusClient } from '../sources/prometheus';
import { needsDetailSteps, targetKey, type CpuIncrease } from './integrate';
import { detailQuery, type DetailGroup } from './queries';
import { runSliced } from './slices';
import type { TargetObservation, WorkspaceState } from './types';

/** Distinct last-reading instants one detail query covers; targets beyond them re-baseline instead. */
const MAX_DETAIL_GROUPS = 8;

export interface DetailDeps {
  prometheus: Pick<PrometheusClient, 'instantQuery'>;
  selector: string;
  logger?: { warn(o: object, m?: string): void };
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Per-CPU increases for the targets whose sums cannot be differenced, in one query whatever their number (none
 * when every target is clean). A failure here only costs those targets a re-baseline, never the cycle.
 */
export async function readDetail(
  deps: DetailDeps,
  previous: ReadonlyMap<string, WorkspaceState>,
  observations: readonly TargetObservation[],
  at: number,
  counted: () => void
): Promise<Map<string, CpuIncrease> | undefined> {
  const wanted = await runSliced(needsDetailSteps(previous, observations));
  if (wanted.length === 0) return undefined;
  const bySince = new Map<number, DetailGroup['targets'][number][]>();
  for (const t of wanted) {
    const list = bySince.get(t.sinceSeconds) ?? [];
    list.push(t);
    bySince.set(t.sinceSeconds, list);
  }
  const groups = [...bySince]
    .sort((a, b) => b[1].length - a[1].length)
    .slice(0, MAX_DETAIL_GROUPS)
    .map(([atSeconds, targets]) => ({ atSeconds, targets }));
  counted();
  try {
    const answer = await deps.prometheus.instantQuery(detailQuery(deps.selector, groups), at);
    const out = new Map<string, CpuIncrease>();
    for (const s of answer) {
      if (!Number.isFinite(s.value)) continue;
      const k = targetKey(s.metric.job ?? '', s.metric.instance ?? '');
      const d = out.get(k) ?? { busyCpuSeconds: 0, idleCpuSeconds: 0 };
      if (s.metric.state === 'busy') d.busyCpuSeconds = s.value;
      else d.idleCpuSeconds = s.value;
      out.set(k, d);
    }
    return out;
  } catch (err) {
    deps.logger?.warn(
      { err: errorText(err), targets: wanted.length },
      'per-CPU detail query failed; those targets re-baseline'
    );
    return undefined;
  }
}
