import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkspacesSchema } from '../schemas/workspaces';
import { UNKNOWN } from '../tracking/observe';
import { workspaceView } from '../tracking/view';
import '../plugins/types';
import { settle } from '../util/settle';

const iso = (s: number): string => new Date(s * 1000).toISOString();

const workspacesRoutes: FastifyPluginAsyncTypebox = (app) =>
  settle(() => {
    const sites = [...Object.keys(app.settings.config.sites), UNKNOWN];

    app.get('/api/v1/workspaces', { schema: WorkspacesSchema(sites) }, (req) => {
      const { site } = req.query;
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
  });
export default workspacesRoutes;
