/**
 * Ownership faults: the file missing, malformed or changed while the service runs, overlapping records, records for
 * hosts never seen, the Mongo collection down. Tracking never stops for any of them; the last good records stay.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../../tests/harness/ports';
import { loadOwnership, loadOwnershipMongo, OwnershipRefresher, type ParsedRecords } from '../../src/ownership';
import type { Tracker } from '../../src/tracking/tracker';
import { parseExposition, tempDir, testApp, testConfig } from '../support/app';
import { adaTarget, stubTracker } from './support';

const BOOT = Date.UTC(2026, 5, 1, 8) / 1000;
const AT = BOOT + 3600;

interface Logged {
  msg: string;
  obj: Record<string, unknown>;
}
const logger = (into: Logged[]) => ({
  info: (obj: object, msg?: string) => into.push({ obj: obj as Record<string, unknown>, msg: msg ?? '' }),
  warn: (obj: object, msg?: string) => into.push({ obj: obj as Record<string, unknown>, msg: msg ?? '' }),
});

function fileSource(file: string, log?: Logged[]) {
  const refresher = new OwnershipRefresher({
    load: () => loadOwnership({ kind: 'file', file }),
    refreshSeconds: 300,
    name: file,
    log: log && logger(log),
    clock: () => AT,
  });
  const owners = () => ({ records: refresher.current, status: refresher.status });
  return { refresher, owners };
}

const usersOf = async (tracker: Tracker, at = AT) => {
  const snap = await tracker.refresh(at);
  expect(snap.lastCycle?.ok).toBe(true);
  return Object.fromEntries(snap.workspaces.map((w) => [w.host, `${w.user}/${w.experiment}`]));
};

const write = (file: string, records: unknown) => fs.writeFileSync(file, JSON.stringify(records));

describe('ownership faults', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });

  it('a missing file: the source is down with the reason, tracking goes on with user unknown', async () => {
    const log: Logged[] = [];
    const { refresher, owners } = fileSource(path.join(dir, 'absent.json'), log);
    await refresher.refresh();
    expect(refresher.status.up).toBe(false);
    expect(refresher.status.lastError).toMatch(/cannot read ownership file .*absent\.json: ENOENT/);
    expect(log.map((l) => l.msg)).toEqual(['ownership records could not be read; keeping the last good ones']);
    const tracker = stubTracker([adaTarget('ws-1')], BOOT, owners);
    expect(await usersOf(tracker)).toEqual({ 'ws-1': 'unknown/unknown' });
    expect(tracker.snapshot.ownership).toMatchObject({ up: false });
  });

  it('a malformed file keeps the last good records; a malformed record is skipped and named', async () => {
    const file = path.join(dir, 'owners.json');
    const log: Logged[] = [];
    write(file, [
      { hostname: 'ws-1', owner: 'alice', created_time: BOOT, experiment: 'RB1' },
      { hostname: 'ws-2', owner: 'bob', created_time: 'last tuesday' },
    ]);
    const { refresher, owners } = fileSource(file, log);
    await refresher.refresh();
    expect(refresher.status.up).toBe(true);
    expect(refresher.problems.map((p) => p.where)).toEqual([`${file}[1]`]);
    expect(log[0]).toMatchObject({ msg: 'ownership records skipped', obj: { skipped: 1 } });
    const tracker = stubTracker([adaTarget('ws-1'), adaTarget('ws-2')], BOOT, owners);
    expect(await usersOf(tracker)).toEqual({ 'ws-1': 'alice/RB1', 'ws-2': 'unknown/unknown' });

    fs.writeFileSync(file, '[{"hostname": "ws-1", "owner": "mallory"');
    await refresher.refresh();
    expect(refresher.status).toMatchObject({ up: false, lastSuccessSeconds: AT });
    expect(refresher.status.lastError).toMatch(/invalid JSON/);
    expect(await usersOf(tracker, AT + 60)).toEqual({ 'ws-1': 'alice/RB1', 'ws-2': 'unknown/unknown' });
    // the same skipped record is not reported again at every refresh
    write(file, [{ hostname: 'ws-2', owner: 'bob', created_time: 'last tuesday' }]);
    await refresher.refresh();
    await refresher.refresh();
    expect(log.filter((l) => l.msg === 'ownership records skipped')).toHaveLength(2);
  });

  it('a file changed while the service runs is picked up at the next refresh', async () => {
    const file = path.join(dir, 'owners.csv');
    fs.writeFileSync(file, `hostname,owner,created_time\nws-1,alice,${BOOT}\n`);
    const { refresher, owners } = fileSource(file);
    await refresher.refresh();
    const tracker = stubTracker([adaTarget('ws-1')], BOOT, owners);
    expect(await usersOf(tracker)).toEqual({ 'ws-1': 'alice/unknown' });
    fs.writeFileSync(
      file,
      `hostname,owner,created_time,deleted_time,experiment\nws-1,alice,${BOOT},${AT},\nws-1,bob,${AT},,RB9\n`
    );
    expect(await usersOf(tracker, AT + 60)).toEqual({ 'ws-1': 'alice/unknown' });
    await refresher.refresh();
    expect(await usersOf(tracker, AT + 120)).toEqual({ 'ws-1': 'bob/RB9' });
    // the workspace is the same one: its energy kept growing across the hand-over
    expect(tracker.snapshot.workspaces).toHaveLength(1);
  });

  it('overlapping records: the one created last wins while it lasts', async () => {
    const file = path.join(dir, 'owners.json');
    write(file, [
      { hostname: 'ws-1', owner: 'alice', created_time: BOOT - 86400 },
      { hostname: 'ws-1', owner: 'carol', created_time: BOOT, deleted_time: AT + 100, experiment: 'RB3' },
    ]);
    const { refresher, owners } = fileSource(file);
    await refresher.refresh();
    const tracker = stubTracker([adaTarget('ws-1')], BOOT, owners);
    expect(await usersOf(tracker)).toEqual({ 'ws-1': 'carol/RB3' });
    expect(await usersOf(tracker, AT + 100)).toEqual({ 'ws-1': 'alice/unknown' });
  });

  it('records for hosts never seen change nothing; a seen host without a record stays unknown', async () => {
    const file = path.join(dir, 'owners.json');
    write(
      file,
      Array.from({ length: 500 }, (_, i) => ({ hostname: `gone-${i}`, owner: `u${i}`, created_time: BOOT })).concat([
        { hostname: 'ws-1', owner: 'alice', created_time: BOOT },
      ])
    );
    const { refresher, owners } = fileSource(file);
    await refresher.refresh();
    expect(refresher.current?.size).toBe(501);
    const tracker = stubTracker([adaTarget('ws-1'), adaTarget('ws-2')], BOOT, owners);
    expect(await usersOf(tracker)).toEqual({ 'ws-1': 'alice/unknown', 'ws-2': 'unknown/unknown' });
    expect(tracker.snapshot.workspaces).toHaveLength(2);
  });

  it('the Mongo ownership collection down: the read fails quickly, tracking goes on', async () => {
    const url = `mongodb://127.0.0.1:${await freePort()}/?directConnection=true`;
    await expect(loadOwnershipMongo(url, 'ada', 'workspaces', 300)).rejects.toThrow();
    let good: ParsedRecords | undefined = {
      records: [{ hostname: 'ws-1', owner: 'alice', createdSeconds: BOOT }],
      problems: [],
    };
    const refresher = new OwnershipRefresher({
      // the first read succeeds, then the collection goes down
      load: () => (good ? Promise.resolve(good) : loadOwnershipMongo(url, 'ada', 'workspaces', 300)),
      refreshSeconds: 300,
      name: 'mongodb collection workspaces',
      clock: () => AT,
    });
    await refresher.refresh();
    good = undefined;
    await refresher.refresh();
    expect(refresher.status.up).toBe(false);
    expect(refresher.status.lastError).toBeTruthy();
    const tracker = stubTracker([adaTarget('ws-1')], BOOT, () => ({
      records: refresher.current,
      status: refresher.status,
    }));
    expect(await usersOf(tracker)).toEqual({ 'ws-1': 'alice/unknown' });
  });

  it('the app with the Mongo collection down: ready, /metrics shows the ownership source down', async () => {
    const closed = await freePort();
    const app = await testApp(
      testConfig(
        {
          prometheus: { url: `http://127.0.0.1:${await freePort()}`, retries: 0, timeoutSeconds: 1 },
          ownership: { mongodb: { url: `mongodb://127.0.0.1:${closed}/?directConnection=true` } },
        },
        dir
      )
    );
    try {
      expect(app.ownership.refresher?.status.up).toBe(false);
      await app.tracker.refresh();
      await app.metrics.render();
      const m = parseExposition((await app.inject('/metrics')).body);
      expect(m.get('ada_carbon_source_up{source="ownership"}')).toBe(0);
      expect((await app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  }, 20000);
});
