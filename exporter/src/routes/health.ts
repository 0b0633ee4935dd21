import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SOURCES } from '../tracking/snapshot';
import { HealthSchema, ReadySchema } from '../schemas/health';
import '../plugins/types';
import { settle } from '../util/settle';

const iso = (s?: number): string | null => (s === undefined ? null : new Date(s * 1000).toISOString());

const healthRoutes: FastifyPluginAsyncTypebox = (app) =>
  settle(() => {
    app.get('/healthz', { schema: HealthSchema, logLevel: 'warn' }, () => ({ status: 'ok' as const }));

    // ready = the exporter can serve: its state came from the store (a store outage after that is buffered in
    // memory). Upstreams that are down are reported in the body and in ada_carbon_source_up, never as not-ready.
    app.get('/readyz', { schema: ReadySchema, logLevel: 'warn' }, async (_req, reply) => {
      const snap = app.tracker.snapshot;
      const sources = Object.fromEntries(
        SOURCES.map((name) => {
          const s = snap.sources[name];
          return [
            name,
            {
              up: s.up,
              last_success_at: iso(s.lastSuccessSeconds),
              error: s.up ? null : (s.lastError ?? 'no successful call yet'),
            },
          ];
        })
      );
      const down = SOURCES.filter((n) => !snap.sources[n].up);
      const ready = snap.sources.store.lastSuccessSeconds !== undefined;
      return reply.code(ready ? 200 : 503).send({ ready, down, last_cycle_at: iso(snap.generatedAtSeconds), sources });
    });
  });
export default healthRoutes;
