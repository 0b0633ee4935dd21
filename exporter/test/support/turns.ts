/**
 * Counts the turns the event loop gets (setImmediate callbacks) while `work` runs: 0 or 1 when it never yields.
 * `longestHoldMs` is the longest the loop waited between two turns, taken as the lesser of the wall time and the
 * process's CPU time in that gap: a test machine busy with other processes stretches the wall time of a short slice
 * (the CPU time stays small), and garbage collection on helper threads adds CPU time (the wall time stays small), but
 * code that holds the loop raises both.
 */
export async function turnsDuring<T>(
  work: () => Promise<T>
): Promise<{ value: T; turns: number; longestHoldMs: number }> {
  let turns = 0;
  let running = true;
  let longestHoldMs = 0;
  let wall = performance.now();
  let cpu = process.cpuUsage();
  const gap = (): void => {
    const nowWall = performance.now();
    const used = process.cpuUsage(cpu);
    longestHoldMs = Math.max(longestHoldMs, Math.min(nowWall - wall, (used.user + used.system) / 1000));
    wall = nowWall;
    cpu = process.cpuUsage();
  };
  const tick = (): void => {
    gap();
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const value = await work();
  gap(); // the stretch from the last turn to the end of the work
  running = false;
  return { value, turns, longestHoldMs };
}
