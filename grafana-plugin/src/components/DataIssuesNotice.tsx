import { Icon, Tooltip } from '@grafana/ui';
import React from 'react';

import { DataIssues } from '../data/diagnostics';
import { GreenStyles } from './greenStyles';

/** A quiet count of data issues; the details are in the tooltip and the accessible label. */
export function DataIssuesNotice({ issues, styles }: { issues: DataIssues; styles: GreenStyles }) {
  if (issues.count === 0) {
    return null;
  }
  const summary = `${issues.count} data issue${issues.count === 1 ? '' : 's'}`;
  return (
    <Tooltip
      content={
        <ul className={styles.noticeList}>
          {issues.lines.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      }
    >
      <button
        type="button"
        className={styles.notice}
        aria-label={`${summary}: ${issues.lines.join('; ')}`}
        data-testid="adacarbon-data-issues"
      >
        <Icon name="info-circle" size="sm" />
        {summary}
      </button>
    </Tooltip>
  );
}
