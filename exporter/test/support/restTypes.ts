/**
 * Types for the REST bodies tests read with `res.json<T>()`: taken from the route schemas, which are also what Fastify
 * serialises the responses with, so a test reads exactly the contract.
 */
import type { Static } from '@sinclair/typebox';
import type { ErrorResponse } from '../../src/schemas/common';
import type {
  EquivalenciesSchema,
  ForecastSchema,
  GreenestWindowSchema,
  IdleWasteSchema,
} from '../../src/schemas/green';
import type { ReadyResponse } from '../../src/schemas/health';
import type {
  CellT,
  DayResponse,
  HeatmapResponse,
  MachinesResponse,
  SummaryResponse,
  UsageResponse,
} from '../../src/schemas/usage';
import type { WorkspacesResponse } from '../../src/schemas/workspaces';

export type ErrorBody = Static<typeof ErrorResponse>;
export type ReadyBody = Static<typeof ReadyResponse>;
export type WorkspacesBody = Static<typeof WorkspacesResponse>;

export type UsageBody = Static<typeof UsageResponse>;
export type SummaryBody = Static<typeof SummaryResponse>;
export type HeatmapBody = Static<typeof HeatmapResponse>;
export type MachinesBody = Static<typeof MachinesResponse>;
export type DayBody = Static<typeof DayResponse>;
/** A day entry's hours and totals as the tests read them: every hour estimated, cells per machine plus `all`. */
export type EstimatedDayBody = Omit<DayBody, 'timeseries'> & { timeseries: Record<string, Record<string, CellT>> };

export type ForecastBody = Static<(typeof ForecastSchema.response)[200]>;
export type GreenestWindowBody = Static<(typeof GreenestWindowSchema.response)[200]>;
export type EquivalenciesBody = Static<(typeof EquivalenciesSchema.response)[200]>;
export type IdleWasteBody = Static<(typeof IdleWasteSchema.response)[200]>;
