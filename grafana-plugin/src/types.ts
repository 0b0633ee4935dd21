/** Panel options. Defaults live in DEFAULT_OPTIONS below and nowhere else. */

export type EnergyUnit = 'kWh' | 'Wh' | 'auto';
export type CarbonUnit = 'kg' | 'g' | 'auto';
export type SortKey = 'idleWaste' | 'power' | 'uptime' | 'name';
export type LayoutMode = 'auto' | 'cards' | 'compact';
/** site: workspaces from the Prometheus queries; user: the signed-in user's, from GET /api/v1/workspaces rows. */
export type PanelMode = 'site' | 'user';

/** Fields a workspace card can show; machine type is always shown as the card title. */
export type CardField =
  'host' | 'user' | 'startedAt' | 'uptime' | 'cpus' | 'power' | 'idleRatio' | 'busyEnergy' | 'idleEnergy' | 'carbon';

export const ALL_CARD_FIELDS: readonly CardField[] = [
  'host',
  'user',
  'startedAt',
  'uptime',
  'cpus',
  'power',
  'idleRatio',
  'busyEnergy',
  'idleEnergy',
  'carbon',
];

export interface SiteAnalysisOptions {
  mode: PanelMode;
  energyUnit: EnergyUnit;
  carbonUnit: CarbonUnit;
  /** Idle ratio (0-1) at or above which a workspace is flagged as a warning. */
  idleWarningRatio: number;
  /** Idle ratio (0-1) at or above which a workspace is flagged as critical. */
  idleCriticalRatio: number;
  sortBy: SortKey;
  layout: LayoutMode;
  /** In 'auto' layout, switch to compact rows above this many workspaces. */
  compactAboveCount: number;
  cardFields: CardField[];
  showTicker: boolean;
  showToolbar: boolean;
  /** The grid forecast strip with the greenest windows marked (shown only when its queries return data). */
  showForecast: boolean;
  /** Greenest-window advice and idle-shutdown savings beside the totals (shown only when there is data). */
  showAdvice: boolean;
  /** Forecast area to show when the data holds several (e.g. national and regional); '' = the first. */
  forecastArea: string;
  /** A small notice counting duplicate, NaN and unrecognised series. */
  showDataIssues: boolean;
}

export const DEFAULT_OPTIONS: SiteAnalysisOptions = {
  mode: 'site',
  energyUnit: 'kWh',
  carbonUnit: 'kg',
  idleWarningRatio: 0.5,
  idleCriticalRatio: 0.9,
  sortBy: 'idleWaste',
  layout: 'auto',
  compactAboveCount: 60,
  cardFields: [...ALL_CARD_FIELDS],
  showTicker: true,
  showToolbar: true,
  showForecast: true,
  showAdvice: true,
  forecastArea: '',
  showDataIssues: true,
};
