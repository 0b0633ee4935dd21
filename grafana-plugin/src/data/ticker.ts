/**
 * The idle ticker: between refreshes, idle energy is extrapolated at the workspace's current idle power; on a refresh
 * it re-anchors to the real counter value. The shown value never decreases: if the extrapolation ran ahead of the
 * real value, the display holds until the new extrapolation catches up.
 */
export interface TickerAnchor {
  realJoules: number;
  rateWatts: number;
  anchorMs: number;
  /** The value shown at the moment of re-anchoring; the display never goes below it. */
  floorJoules: number;
  /** Boot time of the workspace the anchor belongs to; a reboot restarts the counter, so the floor is dropped. */
  startedTimestampSeconds: number | null;
}

export function tickerJoules(anchor: TickerAnchor, nowMs: number): number {
  const elapsedSeconds = Math.max(0, (nowMs - anchor.anchorMs) / 1000);
  return Math.max(anchor.floorJoules, anchor.realJoules + anchor.rateWatts * elapsedSeconds);
}

export function reanchor(
  previous: TickerAnchor | undefined,
  realJoules: number,
  idlePowerWatts: number | null,
  startedTimestampSeconds: number | null,
  nowMs: number
): TickerAnchor {
  const sameWorkspace = previous !== undefined && previous.startedTimestampSeconds === startedTimestampSeconds;
  const shown = sameWorkspace ? tickerJoules(previous, nowMs) : realJoules;
  return {
    realJoules,
    rateWatts: idlePowerWatts !== null && idlePowerWatts > 0 ? idlePowerWatts : 0,
    anchorMs: nowMs,
    floorJoules: Math.max(shown, realJoules),
    startedTimestampSeconds,
  };
}

export interface TickerInput {
  key: string;
  idleJoules: number | null;
  idlePowerWatts: number | null;
  startedTimestampSeconds: number | null;
}

/** New anchors for the current workspaces; workspaces that vanished are dropped, unknown energy gets no ticker. */
export function reanchorAll(
  previous: ReadonlyMap<string, TickerAnchor>,
  workspaces: readonly TickerInput[],
  nowMs: number
): Map<string, TickerAnchor> {
  const next = new Map<string, TickerAnchor>();
  for (const w of workspaces) {
    if (w.idleJoules === null) {
      continue;
    }
    next.set(w.key, reanchor(previous.get(w.key), w.idleJoules, w.idlePowerWatts, w.startedTimestampSeconds, nowMs));
  }
  return next;
}

export function totalTickerJoules(anchors: ReadonlyMap<string, TickerAnchor>, nowMs: number): number {
  let total = 0;
  for (const a of anchors.values()) {
    total += tickerJoules(a, nowMs);
  }
  return total;
}
