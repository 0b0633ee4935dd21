import React from 'react';

import { AdviceLine } from '../data/advice';
import { IdleShutdownSavings } from '../data/forecast';
import { formatCarbon, formatEnergy } from '../data/format';
import { SiteAnalysisOptions } from '../types';
import { GreenStyles } from './greenStyles';

interface Props {
  advice: AdviceLine[] | null;
  savings: IdleShutdownSavings | null;
  options: SiteAnalysisOptions;
  styles: GreenStyles;
}

function SavingText({ savings, options }: { savings: IdleShutdownSavings; options: SiteAnalysisOptions }) {
  if (savings.idleWorkspaces === 0) {
    return <>No idle workspaces to shut down right now.</>;
  }
  const who =
    savings.idleWorkspaces === null
      ? 'the idle workspaces'
      : `${savings.idleWorkspaces} idle workspace${savings.idleWorkspaces === 1 ? '' : 's'}`;
  return (
    <>
      Shutting down {who} would save <strong>{formatCarbon(savings.gramsPerDay, options.carbonUnit)}</strong> and{' '}
      <strong>{formatEnergy(savings.joulesPerDay, options.energyUnit)}</strong> per day.
    </>
  );
}

/** Greenest-window advice and idle-shutdown savings, beside the totals. */
export function GreenChoices({ advice, savings, options, styles }: Props) {
  const kindClass = { wait: styles.adviceWait, now: styles.adviceNow, none: styles.adviceNone };
  return (
    <section className={styles.aside} aria-labelledby="adacarbon-green-title" data-testid="adacarbon-advice">
      <h3 id="adacarbon-green-title" className={styles.asideTitle}>
        Greener choices
      </h3>
      {advice && (
        <ul className={styles.adviceList} aria-label="When to start a job">
          {advice.map((a) => (
            <li
              key={a.duration || a.text}
              className={kindClass[a.kind]}
              data-testid="adacarbon-advice-line"
              data-kind={a.kind}
            >
              {a.text}
            </li>
          ))}
        </ul>
      )}
      {savings && (
        <p className={styles.saving} data-testid="adacarbon-idle-savings" style={{ margin: 0 }}>
          <SavingText savings={savings} options={options} />
        </p>
      )}
    </section>
  );
}
