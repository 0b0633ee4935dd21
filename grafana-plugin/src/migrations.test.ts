import { PanelModel, standardEditorsRegistry } from '@grafana/data';

import { migrateOptions, migrationHandler } from './migrations';
import { plugin } from './module';
import { DEFAULT_OPTIONS } from './types';

describe('options migration', () => {
  it('fills every option from the defaults when nothing was saved', () => {
    expect(migrateOptions(undefined)).toEqual(DEFAULT_OPTIONS);
    expect(migrateOptions({})).toEqual(DEFAULT_OPTIONS);
  });

  it('keeps valid saved values', () => {
    const saved = {
      ...DEFAULT_OPTIONS,
      energyUnit: 'Wh',
      sortBy: 'power',
      cardFields: ['host'],
      showTicker: false,
    } as const;
    expect(migrateOptions(saved)).toEqual(saved);
  });

  it('replaces unknown enum values, drops unknown card fields, clamps and orders thresholds', () => {
    const out = migrateOptions({
      energyUnit: 'MWh',
      sortBy: 'cost',
      cardFields: ['host', 'gpu', 'carbon'],
      idleWarningRatio: 0.95,
      idleCriticalRatio: 7,
      compactAboveCount: -3,
    });
    expect(out.energyUnit).toBe(DEFAULT_OPTIONS.energyUnit);
    expect(out.sortBy).toBe(DEFAULT_OPTIONS.sortBy);
    expect(out.cardFields).toEqual(['host', 'carbon']);
    expect([out.idleWarningRatio, out.idleCriticalRatio]).toEqual([0.95, 1]);
    expect(out.compactAboveCount).toBe(DEFAULT_OPTIONS.compactAboveCount);
    expect(migrateOptions({ idleWarningRatio: 0.8, idleCriticalRatio: 0.3 })).toMatchObject({
      idleWarningRatio: 0.3,
      idleCriticalRatio: 0.8,
    });
  });

  it('is wired into the plugin with options defaults that match DEFAULT_OPTIONS', () => {
    const panel = {
      id: 1,
      type: 'adacarbon-siteanalysis-panel',
      options: { layout: 'compact' },
      fieldConfig: { defaults: {}, overrides: [] },
    };
    expect(migrationHandler(panel as unknown as PanelModel)).toEqual({ ...DEFAULT_OPTIONS, layout: 'compact' });
    expect(plugin.onPanelMigration).toBe(migrationHandler);
    // Grafana fills the editor registry at start-up; the builder only needs the ids to exist.
    const ids = ['radio', 'slider', 'select', 'multi-select', 'number', 'boolean'];
    standardEditorsRegistry.setInit(() => ids.map((id) => ({ id, name: id, editor: () => null })));
    expect(plugin.defaults).toEqual(DEFAULT_OPTIONS);
  });
});

describe('options migration of the greener-choices options', () => {
  it('keeps saved values and defaults the rest', () => {
    const { migrateOptions: migrate } = jest.requireActual('./migrations') as typeof import('./migrations');
    expect(migrate({ showForecast: false, forecastArea: ' regional ', showDataIssues: 'yes' })).toMatchObject({
      showForecast: false,
      showAdvice: true,
      forecastArea: 'regional',
      showDataIssues: true,
    });
    expect(migrate({ forecastArea: 3 }).forecastArea).toBe('');
  });
});
