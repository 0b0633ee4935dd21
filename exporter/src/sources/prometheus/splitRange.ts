/** Prometheus refuses range queries returning more than this many points per series (bad_data). */
export const MAX_POINTS_PER_SERIES = 11000;

/**
 * Cuts [start, end] into consecutive sub-ranges of at most maxPoints evaluation steps each. Sub-ranges stay on the
 * same step grid (start + k*step) and do not share an end point, so concatenating the results gives no duplicates.
 */
export function splitRange(
  startSeconds: number,
  endSeconds: number,
  stepSeconds: number,
  maxPoints = MAX_POINTS_PER_SERIES
): Array<[number, number]> {
  if (!(stepSeconds > 0) || !Number.isFinite(stepSeconds)) throw new RangeError(`step must be > 0, got ${stepSeconds}`);
  if (!(maxPoints >= 1)) throw new RangeError(`maxPoints must be >= 1, got ${maxPoints}`);
  if (!Number.isFinite(startSeconds) || !Number.isFinite(endSeconds)) throw new RangeError('non-finite range bound');
  const out: Array<[number, number]> = [];
  const span = (Math.floor(maxPoints) - 1) * stepSeconds;
  for (let k = 0; ; k++) {
    // multiply from the origin instead of accumulating, so float steps do not drift off the grid
    const s = startSeconds + k * (span + stepSeconds);
    if (s > endSeconds) break;
    out.push([s, Math.min(endSeconds, s + span)]);
  }
  return out;
}
