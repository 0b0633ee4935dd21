// A tracker over a stubbed Prometheus answer (Ada-like targets: no user label) and an in-memory store, for the
// ownership tests that need the tracking cycle but no real Prometheus.
import { DEFAULTS } from '../../src/config/defaults';
import type { Config } from '../../src/config';
import type { Sample } from '../../src/sources/prometheus';
import type { IntensityReading } from '../../src/sources/carbon';
import type { WorkspaceStore } from '../../src/store/types';
import type { WorkspaceState } from '../../src/tracking/types';
import { Tracker, type TrackerDeps } from '../../src/tracking/tracker';
import { trackingQueries } from '../../src/tracking/queries';

export interface StubTarget {
  instance: string;
  labels: Record<string, string>;
}

class MemoryStore implements WorkspaceStore {
  readonly kind = 'sqlite' as const;
  private readonly states = new Map<string, WorkspaceState>();
  loadOpenWorkspaces = () => Promise.resolve([...this.states.values()].filter((s) => s.status !== 'closed'));
  getWorkspace = (id: string) => Promise.resolve(this.states.get(id));
  saveWorkspaces = (states: readonly WorkspaceState[]) => {
    for (const s of states) this.states.set(s.id, s);
    return Promise.resolve();
  };
  listWorkspaces = () => Promise.resolve([...this.states.values()]);
  ping = () => Promise.resolve();
  close = () => Promise.resolve();
}

/** Answers the tracking queries for targets that have run 2 CPUs at 25% busy since boot. */
function stubPrometheus(targets: readonly StubTarget[], bootSeconds: number): TrackerDeps['prometheus'] {
  const q = trackingQueries('');
  return {
    instantQuery: (query: string, at?: number): Promise<Sample[]> => {
      const t = at ?? bootSeconds;
      const up = t - bootSeconds;
      const out: Sample[] = [];
      for (const x of targets) {
        const id = { job: 'node', instance: x.instance };
        if (query === q.boot) out.push({ metric: { ...id, ...x.labels }, value: bootSeconds });
        else if (query === q.up) {
          out.push({ metric: id, value: 1 });
          out.push({ metric: { ...id, ada_carbon_series: 'scrape_time' }, value: t });
        } else if (query === q.cpus) out.push({ metric: id, value: 2 });
        else if (query === q.memoryActive) out.push({ metric: id, value: 2 ** 30 });
        else if (query === q.cpuSeconds) {
          out.push({ metric: { ...id, state: 'busy' }, value: 0.5 * up });
          out.push({ metric: { ...id, state: 'idle' }, value: 1.5 * up });
        }
      }
      return Promise.resolve(out);
    },
  };
}

const carbon: TrackerDeps['carbon'] = {
  current: (area, at) =>
    Promise.resolve<IntensityReading>({
      area,
      gramsPerKwh: 100,
      fromSeconds: at ?? 0,
      toSeconds: (at ?? 0) + 1800,
      source: 'actual',
      fallback: false,
    }),
};

export function stubTracker(
  targets: readonly StubTarget[],
  bootSeconds: number,
  ownership: TrackerDeps['ownership'],
  config: Partial<Config> = {}
): Tracker {
  return new Tracker({
    config: { ...structuredClone(DEFAULTS), ...config },
    prometheus: stubPrometheus(targets, bootSeconds),
    carbon,
    store: new MemoryStore(),
    ownership,
  });
}

/** Ada's labels: project, machine and host, never a user. */
export const adaTarget = (host: string, instance = `${host}.nubes.example:9100`): StubTarget => ({
  instance,
  labels: { cloud_project_name: 'IDAaaS', machine_name: 'Muon', host },
});
