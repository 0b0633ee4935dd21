import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { joulesToKwh } from '../model/units';
import { WorkspacesSchema, type WorkspaceViewT } from '../schemas/workspaces';
import type { WorkspaceState } from '../tracking/types';
import { UNKNOWN } from '../tracking/observe';
import '../plugins/types';

const iso = (s: number): string => new Date(s * 1000).toISOString();

export function workspaceView(w: WorkspaceState): WorkspaceViewT {
  return {
    site: w.site, project: w.project, machine: w.machine, host: w.host, user: w.user, experiment: w.experiment,
    instance: w.instance,
    status: w.status === 'missing' ? 'missing' : 'active',
    started_at: iso(w.startedAtSeconds),
    last_seen_at: iso(w.lastSeenSeconds),
    cpus: w.cpus,
    busy_cpu_seconds: w.busyCpuSecondsTotal,
    idle_cpu_seconds: w.idleCpuSecondsTotal,
    busy_kwh: joulesToKwh(w.busyJoules),
    idle_kwh: joulesToKwh(w.idleJoules),
    busy_gco2e: w.busyGrams,
    idle_gco2e: w.idleGrams,
    fallback_gco2e: w.fallbackGrams,
    power_watts: w.powerWatts,
    idle_power_watts: w.idlePowerWatts,
    idle_ratio: w.idleRatio,
    partial: w.partial,
  };
}

const workspacesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const sites = [...Object.keys(app.settings.config.sites), UNKNOWN];

  app.get('/api/v1/workspaces', { schema: WorkspacesSchema }, async (req, reply) => {
    const { site } = req.query;
    if (site !== undefined && !sites.includes(site)) {
      return reply.code(400).send({
        statusCode: 400, error: 'Bad Request',
        message: `unknown site ${JSON.stringify(site)}; configured sites: ${sites.join(', ')}`,
      });
    }
    const snap = app.tracker.snapshot;
    const list = snap.workspaces.filter((w) => site === undefined || w.site === site).map(workspaceView);
    list.sort((a, b) => a.site.localeCompare(b.site) || a.host.localeCompare(b.host));
    return {
      generated_at: snap.generatedAtSeconds === undefined ? null : iso(snap.generatedAtSeconds),
      site: site ?? null,
      count: list.length,
      workspaces: list,
    };
  });
};
export default workspacesRoutes;
