/**
 * The fleet tracking suite of fleet.test.ts against a real single-node VictoriaMetrics instead of Prometheus: the
 * same synthetic fleet (imported through /api/v1/import/prometheus), the same cycles, the same hand-computed truth
 * and tolerances; and the per-CPU detail query, which the fleet's cycles do not need, against the truth.
 */
import { BUSY_MODES, IDLE_MODES } from '../../src/model/modes';
import { detailQuery } from '../../src/tracking/queries';
import { END, spec, START, sum } from '../support/fleetSpec';
import { startFleetVictoria } from '../support/fleetVictoria';
import { fleetTrackingSuite } from '../support/fleetTrackingSuite';

const { server } = fleetTrackingSuite('VictoriaMetrics', startFleetVictoria);

describe('the per-CPU detail query on VictoriaMetrics', () => {
  it('answers the per-CPU detail query (the `@` modifier, clamp_min, label_replace) with the truth', async () => {
    const at = START + 1800;
    const hosts = [spec.hosts[0]!, spec.hosts[1]!];
    const targets = hosts.map((h) => ({ job: 'node', instance: h.instance }));
    const data = await server().query(detailQuery('job="node"', [{ atSeconds: at, targets }]), END);
    expect(data.result).toHaveLength(4);
    for (const h of hosts) {
      for (const [state, modes] of [
        ['busy', BUSY_MODES],
        ['idle', IDLE_MODES],
      ] as const) {
        const got = data.result.find((r) => r.metric.instance === h.instance && r.metric.state === state)!;
        expect(Number(got.value[1])).toBeCloseTo(sum(h, END, modes) - sum(h, at, modes), 6);
      }
    }
  });
});
