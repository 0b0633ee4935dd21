/**
 * One interval for the whole panel. The ticking text is written straight into the registered nodes (never through
 * React state), so a tick does not re-render a single card, and nodes that scroll into view are filled as they attach.
 */
import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';

import { formatEnergy, tickerDecimals } from '../data/format';
import { reanchorAll, TickerAnchor, tickerJoules, totalTickerJoules, TickerInput } from '../data/ticker';
import { EnergyUnit } from '../types';

export const TICK_MS = 1000;
export const TOTAL_KEY = '\u0000total';

export interface IdleTicker {
  /** Stable ref callback for the node showing a workspace's (or TOTAL_KEY's) ticking idle energy. */
  refFor: (key: string) => (node: HTMLElement | null) => void;
}

interface TickerState {
  anchors: Map<string, TickerAnchor>;
  totalRateWatts: number;
  /** Cards share one precision (from the median idle power) so their columns line up; the total has its own. */
  cardRateWatts: number;
  unit: EnergyUnit;
  enabled: boolean;
}

function rates(anchors: ReadonlyMap<string, TickerAnchor>): Pick<TickerState, 'totalRateWatts' | 'cardRateWatts'> {
  const positive = [...anchors.values()].map((a) => a.rateWatts).filter((r) => r > 0);
  positive.sort((a, b) => a - b);
  return {
    totalRateWatts: positive.reduce((acc, r) => acc + r, 0),
    cardRateWatts: positive.length ? positive[Math.floor(positive.length / 2)]! : 0,
  };
}

function textFor(state: TickerState, key: string, nowMs: number): string {
  const { anchors, unit, enabled } = state;
  if (key === TOTAL_KEY) {
    const joules = totalTickerJoules(anchors, nowMs);
    return formatEnergy(joules, unit, enabled ? tickerDecimals(state.totalRateWatts, joules, unit) : 2);
  }
  const anchor = anchors.get(key);
  if (!anchor) {
    return formatEnergy(null, unit);
  }
  const joules = tickerJoules(anchor, nowMs);
  return formatEnergy(joules, unit, enabled ? tickerDecimals(state.cardRateWatts, joules, unit) : 2);
}

export function useIdleTicker(workspaces: readonly TickerInput[], unit: EnergyUnit, enabled: boolean): IdleTicker {
  const state = useRef<TickerState>({ anchors: new Map(), totalRateWatts: 0, cardRateWatts: 0, unit, enabled });
  const nodes = useRef(new Map<string, HTMLElement>());
  const refCallbacks = useRef(new Map<string, (node: HTMLElement | null) => void>());

  const tick = useCallback(() => {
    const now = Date.now();
    nodes.current.forEach((node, key) => {
      const text = textFor(state.current, key, now);
      if (node.textContent !== text) {
        node.textContent = text;
      }
    });
  }, []);

  // Before paint: re-anchor to the refreshed values (never backwards) and show them.
  useLayoutEffect(() => {
    const anchors = reanchorAll(state.current.anchors, workspaces, Date.now());
    state.current = { ...state.current, anchors, ...rates(anchors) };
    tick();
  }, [workspaces, tick]);

  useLayoutEffect(() => {
    state.current = { ...state.current, unit, enabled };
    tick();
  }, [unit, enabled, tick]);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    const id = setInterval(tick, TICK_MS);
    return () => clearInterval(id);
  }, [enabled, tick]);

  const refFor = useCallback((key: string) => {
    let cb = refCallbacks.current.get(key);
    if (!cb) {
      cb = (node: HTMLElement | null) => {
        if (node) {
          nodes.current.set(key, node);
          node.textContent = textFor(state.current, key, Date.now());
        } else {
          nodes.current.delete(key);
          refCallbacks.current.delete(key);
        }
      };
      refCallbacks.current.set(key, cb);
    }
    return cb;
  }, []);

  return { refFor };
}
