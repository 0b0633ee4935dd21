/** The data-quality counts of both models -> short lines for an unobtrusive notice. Pure. */
import { ForecastDiagnostics } from './forecast';
import { ModelDiagnostics } from './viewModel';

export interface DataIssues {
  count: number;
  lines: string[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function dataIssues(site: ModelDiagnostics, forecast?: ForecastDiagnostics): DataIssues {
  const duplicates = site.duplicateSeries + (forecast?.duplicateSeries ?? 0);
  const invalid = site.invalidValues + (forecast?.invalidValues ?? 0);
  const unrecognised = site.unrecognisedSeries;
  const unusable = site.seriesWithoutState + (forecast?.unreadableLabels ?? 0);
  const lines: string[] = [];
  if (duplicates > 0) {
    lines.push(`${plural(duplicates, 'duplicate series', 'duplicate series')} (e.g. two exporter replicas): merged`);
  }
  if (invalid > 0) {
    lines.push(`${plural(invalid, 'value', 'values')} NaN or missing: shown as —`);
  }
  if (unrecognised > 0) {
    lines.push(`${plural(unrecognised, 'series', 'series')} from an unrecognised query or metric: ignored`);
  }
  if (unusable > 0) {
    lines.push(`${plural(unusable, 'series', 'series')} without a usable state, offset or duration label: ignored`);
  }
  return { count: duplicates + invalid + unrecognised + unusable, lines };
}
