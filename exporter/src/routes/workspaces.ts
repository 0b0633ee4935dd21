import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkspacesSchema, WorkspaceView, type WorkspacesResponseT } from '../schemas/workspaces';
import { UNKNOWN } from '../tracking/observe';
import { runSliced, type Steps } from '../tracking/slices';
import type { WorkspaceState } from '../tracking/types';
import { workspaceView } from '../tracking/view';
import '../plugins/types';
import { HIDDEN_USER, maySee, type Identity } from '../plugins/auth';
import { settle } from '../util/settle';

const iso = (s: number): string => new Date(s * 1000).toISOString();

/** The JSON of each row, one workspace at a time, so that a site of thousands is serialised in slices. */
function* rowsJson(
  states: readonly WorkspaceState[],
  id: Identity,
  serialize: (row: Record<string, unknown>) => string
): Steps<string[]> {
  const out: string[] = [];
  for (const w of states) {
    out.push(serialize({ ...workspaceView(w), ...(maySee(id, w.user) ? {} : { user: HIDDEN_USER }) }));
    yield;
  }
  return out;
}

const workspacesRoutes: FastifyPluginAsyncTypebox = (app) =>
  settle(() => {
    const sites = [...Object.keys(app.settings.config.sites), UNKNOWN];

    app.get('/api/v1/workspaces', { schema: WorkspacesSchema(sites) }, async (req, reply) => {
      const { site } = req.query;
      const snap = app.tracker.snapshot;
      // an admin sees every workspace; a user the proxy vouches for only their own; anyone else all of them without
      // the owner's name, so site views keep working without handing out who runs what
      const id = req.identity;
      const states = snap.workspaces
        .filter((w) => site === undefined || w.site === site)
        .filter((w) => id.user === undefined || id.admin || w.user === id.user)
        .sort((a, b) => a.site.localeCompare(b.site) || a.host.localeCompare(b.host));
      // Each row goes through the response schema's own serializer; serialising ten thousand rows in one call
      // would hold the event loop for over half a second, so the envelope is written here around the sliced rows.
      const rows = await runSliced(rowsJson(states, id, reply.compileSerializationSchema(WorkspaceView)));
      const head = {
        generated_at: snap.generatedAtSeconds === undefined ? null : iso(snap.generatedAtSeconds),
        site: site ?? null,
        count: rows.length,
      };
      const body = `${JSON.stringify(head).slice(0, -1)},"workspaces":[${rows.join(',')}]}`;
      // the text is the 200 schema's JSON already, which the type provider cannot know
      return reply.type('application/json; charset=utf-8').send(body as unknown as WorkspacesResponseT);
    });
  });
export default workspacesRoutes;
