import { dataIssues } from './diagnostics';

const clean = { duplicateSeries: 0, unrecognisedSeries: 0, invalidValues: 0, seriesWithoutState: 0 };

describe('dataIssues', () => {
  it('is empty for clean data', () => {
    expect(dataIssues(clean, { duplicateSeries: 0, invalidValues: 0, unreadableLabels: 0 })).toEqual({
      count: 0,
      lines: [],
    });
  });

  it('adds up both models and says what was done with each kind', () => {
    const issues = dataIssues(
      { duplicateSeries: 2, unrecognisedSeries: 3, invalidValues: 1, seriesWithoutState: 1 },
      { duplicateSeries: 1, invalidValues: 1, unreadableLabels: 1 }
    );
    expect(issues.count).toBe(10);
    expect(issues.lines).toEqual([
      '3 duplicate series (e.g. two exporter replicas): merged',
      '2 values NaN or missing: shown as —',
      '3 series from an unrecognised query or metric: ignored',
      '2 series without a usable state, offset or duration label: ignored',
    ]);
  });

  it('uses the singular for one', () => {
    expect(dataIssues({ ...clean, invalidValues: 1 }).lines).toEqual(['1 value NaN or missing: shown as —']);
  });
});
