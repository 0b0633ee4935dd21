import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkspacesSchema, WorkspaceView, type WorkspacesResponseT } from '../schemas/workspaces';
import { UNKNOWN } from '../tracking/observe';
import { runSliced, type Steps } from '../tracking/slices';
import type { WorkspaceState } from '../tracking/types';
import { workspaceView } from '../tracking/view';
import '../plugins/types';
import { HIDDEN_USER, maySee, type Identity } from '../plugins/auth';
import { settle } from '../util/settle';
import { sortSteps } from '../util/sortSteps';

/**
 * Site, then host, by code point (host names are ASCII, where it and localeCompare's ICU collation agree but for
 * case, at a fraction of the cost).
 */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const bySiteAndHost = (a: WorkspaceState, b: WorkspaceState): number =>
  byCodePoint(a.site, b.site) || byCodePoint(a.host, b.host);

/**
 * Each snapshot's workspaces sorted once (in slices), for every request until the next cycle; a filter keeps the
 * order.
 */
const sorted = new WeakMap<readonly WorkspaceState[], Promise<readonly WorkspaceState[]>>();
function sortedWorkspaces(workspaces: readonly WorkspaceState[]): Promise<readonly WorkspaceState[]> {
  let s = sorted.get(workspaces);
  if (!s) sorted.set(workspaces, (s = runSliced(sortSteps(workspaces, bySiteAndHost))));
  return s;
}

const iso = (s: number): string => new Date(s * 1000).toISOString();

/** Rows encoded together: one UTF-8 buffer per group, so no string of the whole answer is ever built. */
const ROWS_PER_CHUNK = 128;

/**
 * The JSON of each row, one workspace at a time, so that a site of thousands is serialised in slices; the rows are
 * joined and encoded a group at a time as they come (joining ten thousand rows at the end held the loop 60-70 ms).
 */
function* rowsJson(
  states: readonly WorkspaceState[],
  id: Identity,
  serialize: (row: Record<string, unknown>) => string
): Steps<{ chunks: Buffer[]; count: number }> {
  const chunks: Buffer[] = [];
  let group: string[] = [];
  const flush = (): void => {
    chunks.push(Buffer.from((chunks.length > 0 ? ',' : '') + group.join(',')));
    group = [];
  };
  for (const w of states) {
    group.push(serialize({ ...workspaceView(w), ...(maySee(id, w.user) ? {} : { user: HIDDEN_USER }) }));
    if (group.length === ROWS_PER_CHUNK) flush();
    yield;
  }
  if (group.length > 0) flush();
  return { chunks, count: states.length };
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
      const states = (await sortedWorkspaces(snap.workspaces)).filter(
        (w) => (site === undefined || w.site === site) && (id.user === undefined || id.admin || w.user === id.user)
      );
      // Each row goes through the response schema's own serializer; serialising ten thousand rows in one call
      // would hold the event loop for over half a second, so the envelope is written here around the sliced rows.
      const rows = await runSliced(rowsJson(states, id, reply.compileSerializationSchema(WorkspaceView)));
      const head = {
        generated_at: snap.generatedAtSeconds === undefined ? null : iso(snap.generatedAtSeconds),
        site: site ?? null,
        count: rows.count,
      };
      const open = Buffer.from(`${JSON.stringify(head).slice(0, -1)},"workspaces":[`);
      const body = Buffer.concat([open, ...rows.chunks, Buffer.from(']}')]);
      // the text is the 200 schema's JSON already, which the type provider cannot know
      return reply.type('application/json; charset=utf-8').send(body as unknown as WorkspacesResponseT);
    });
  });
export default workspacesRoutes;
