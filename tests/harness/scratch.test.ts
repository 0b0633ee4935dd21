import { adaFleet } from './fleet';
import { writeFleetOpenMetrics } from './openmetrics';
it('scratch', async () => {
  const end = Number(process.env.END ?? 1_767_225_600);
  const spec = adaFleet({ hosts: Number(process.env.HOSTS ?? 2000), cpus: 4, startSeconds: end - 1800, endSeconds: end, stepSeconds: 15, seed: 7 });
  const t0 = performance.now();
  const stats = await writeFleetOpenMetrics(spec, process.env.OUT ?? '/tmp/hx/fleet.om');
  console.log(JSON.stringify(stats), ((performance.now() - t0) / 1000).toFixed(2));
}, 600000);
