import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkspacesSchema } from '../schemas/workspaces';
import { UNKNOWN } from '../tracking/observe';
import { workspaceView } from '../tracking/view';
import '../plugins/types';
import { HIDDEN_USER, maySee } from '../plugins/auth';
import { settle } from '../util/settle';

const iso = (s: number): string => new Date(s * 1000).toISOString();

const workspacesRoutes: FastifyPluginAsyncTypebox = (app) =>
  settle(() => {
    const sites = [...Object.keys(app.settings.config.sites), UNKNOWN];

    app.get('/api/v1/workspaces', { schema: WorkspacesSchema(sites) }, (req) => {
      const { site } = req.query;
      const snap = app.tracker.snapshot;
      // an admin sees every workspace; a user the proxy vouches for only their own; anyone else all of them without
      // the owner's name, so site views keep working without handing out who runs what
      const id = req.identity;
      const list = snap.workspaces
        .filter((w) => site === undefined || w.site === site)
        .filter((w) => id.user === undefined || id.admin || w.user === id.user)
        .map((w) => ({ ...workspaceView(w), ...(maySee(id, w.user) ? {} : { user: HIDDEN_USER }) }));
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
