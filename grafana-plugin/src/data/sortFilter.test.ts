import { FIXED_NOW_MS, workspaceFixture } from '../test-utils/factory';
import { filterWorkspaces, idleLevel, sortWorkspaces } from './sortFilter';
import { WorkspaceView } from './viewModel';

function view(i: number, over: Partial<WorkspaceView> = {}): WorkspaceView {
  const f = workspaceFixture(i);
  return { key: `k${i}`, ...f, ...over };
}

describe('sortWorkspaces', () => {
  const a = view(0, { machine: 'Muon', host: 'h-a', idleJoules: 10, powerWatts: 5, startedTimestampSeconds: 100 });
  const b = view(1, { machine: 'SANS', host: 'h-b', idleJoules: 30, powerWatts: 1, startedTimestampSeconds: 300 });
  const c = view(2, {
    machine: 'Artemis (Matlab)',
    host: 'h-c',
    idleJoules: null,
    powerWatts: 9,
    startedTimestampSeconds: null,
  });
  const list = [a, b, c];
  const order = (sortBy: Parameters<typeof sortWorkspaces>[1]) =>
    sortWorkspaces(list, sortBy, FIXED_NOW_MS).map((w) => w.host);

  it('idle waste: most idle energy first, unknown last', () =>
    expect(order('idleWaste')).toEqual(['h-b', 'h-a', 'h-c']));
  it('power: highest draw first', () => expect(order('power')).toEqual(['h-c', 'h-a', 'h-b']));
  it('uptime: longest running first, unknown last', () => expect(order('uptime')).toEqual(['h-a', 'h-b', 'h-c']));
  it('name: by machine type then host', () => expect(order('name')).toEqual(['h-c', 'h-a', 'h-b']));
  it('does not reorder its input', () => {
    sortWorkspaces(list, 'power', FIXED_NOW_MS);
    expect(list.map((w) => w.host)).toEqual(['h-a', 'h-b', 'h-c']);
  });
  it('ties fall back to name so the order is stable', () => {
    const tied = [view(3, { machine: 'Z', idleJoules: 1 }), view(4, { machine: 'A', idleJoules: 1 })];
    expect(sortWorkspaces(tied, 'idleWaste', FIXED_NOW_MS).map((w) => w.machine)).toEqual(['A', 'Z']);
  });
});

describe('filterWorkspaces', () => {
  const list = [view(0, { user: 'jsmith', machine: 'Muon' }), view(1, { user: 'lchen', machine: 'Artemis (Matlab)' })];
  it('matches user or machine, case-insensitively', () => {
    expect(filterWorkspaces(list, 'JSMI').map((w) => w.user)).toEqual(['jsmith']);
    expect(filterWorkspaces(list, 'matlab').map((w) => w.user)).toEqual(['lchen']);
  });
  it('an empty or blank query keeps everything; no match gives nothing', () => {
    expect(filterWorkspaces(list, '  ')).toHaveLength(2);
    expect(filterWorkspaces(list, 'nobody')).toEqual([]);
  });
});

describe('idleLevel', () => {
  it.each([
    [0.2, 'ok'],
    [0.5, 'warning'],
    [0.89, 'warning'],
    [0.9, 'critical'],
    [1, 'critical'],
    [null, 'unknown'],
  ] as const)('idle ratio %p with thresholds 0.5/0.9 is %s', (ratio, level) => {
    expect(idleLevel(ratio, 0.5, 0.9)).toBe(level);
  });
});
