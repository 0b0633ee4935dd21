/** Machine averages recounted from the host rows, as the store once computed them: what the kept sums must equal. */
import type { UsageFigures, UsageRow } from '../../src/history/types';
import { add, bucketStartSeconds, zero } from '../../src/store/usage/mongoClientSide';
import { perHour, type MachineAverage } from '../../src/store/usage/types';

/** Machine averages from host-level rows: a workspace-day is one distinct (host, UTC day) pair. */
export function machineAveragesOf(hostRows: readonly UsageRow[]): MachineAverage[] {
  const perMachine = new Map<string, { days: Set<string>; hours: number; s: Required<UsageFigures> }>();
  for (const r of hostRows) {
    let m = perMachine.get(r.machine);
    if (m === undefined) perMachine.set(r.machine, (m = { days: new Set(), hours: 0, s: zero() }));
    m.days.add(`${r.key}\u0000${bucketStartSeconds(r.hourStartSeconds, 'day')}`);
    m.hours++;
    add(m.s, r);
  }
  return [...perMachine]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([machine, { days: daySet, hours, s }]) => {
      const days = daySet.size;
      return {
        machine,
        workspaceDays: days,
        busyKwhPerWorkspaceDay: s.busyJoules / 3.6e6 / days,
        idleKwhPerWorkspaceDay: s.idleJoules / 3.6e6 / days,
        busyGramsPerWorkspaceDay: s.busyGrams / days,
        idleGramsPerWorkspaceDay: s.idleGrams / days,
        ...perHour({
          days,
          hours,
          bc: s.busyCpuSeconds,
          ic: s.idleCpuSeconds,
          bj: s.busyJoules,
          ij: s.idleJoules,
          bg: s.busyGrams,
          ig: s.idleGrams,
        }),
      };
    });
}
