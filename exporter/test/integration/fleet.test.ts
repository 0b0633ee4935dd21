/**
 * A synthetic Ada fleet loaded into a real Prometheus with promtool, tracked by the exporter; the shared suite checks
 * the joules against the hand computation (the same suite runs against VictoriaMetrics in fleet.victoria.test.ts).
 */
import { startFleetPrometheus } from '../support/fleetPrometheus';
import { fleetTrackingSuite } from '../support/fleetTrackingSuite';

fleetTrackingSuite('Prometheus', startFleetPrometheus);
