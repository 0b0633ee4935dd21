import {
  hostNames,
  Ownership,
  ownershipSettings,
  parseOwnershipRecords,
  resolveOwner,
  UNKNOWN,
} from '../../src/ownership';
import { DEFAULTS } from '../../src/config/defaults';
import type { Config } from '../../src/config';

const T0 = Date.UTC(2026, 0, 1) / 1000;

describe('ownership records', () => {
  it('reads hostname, owner, times and an optional experiment; other fields are ignored', () => {
    const { records, problems } = parseOwnershipRecords(
      JSON.stringify([
        { hostname: 'h1', owner: 'alice', created_time: T0, experiment: 'RB2400001', _id: 'x', cpu: 4 },
        { hostname: 'h2', owner: 'bob', created_time: '2026-01-01T00:00:00', deleted_time: null },
      ]),
      'owners.json'
    );
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { hostname: 'h1', owner: 'alice', createdSeconds: T0, experiment: 'RB2400001' },
      { hostname: 'h2', owner: 'bob', createdSeconds: T0 },
    ]);
  });

  it('skips a bad JSON record, naming its index, and keeps the others', () => {
    const { records, problems } = parseOwnershipRecords(
      JSON.stringify([
        { hostname: 'h1', owner: 'alice', created_time: T0 },
        { hostname: 'h2', created_time: T0 },
        'not a record',
        { hostname: 'h3', owner: 'carol', created_time: 'soon' },
        { hostname: 'h4', owner: 'dan', created_time: T0, deleted_time: T0 - 1 },
        { hostname: 'h5', owner: 'erin', created_time: T0, experiment: 7 },
      ]),
      'owners.json'
    );
    expect(records.map((r) => r.owner)).toEqual(['alice']);
    expect(problems.map((p) => p.where)).toEqual([
      'owners.json[1]',
      'owners.json[2]',
      'owners.json[3]',
      'owners.json[4]',
      'owners.json[5]',
    ]);
    expect(problems[0]!.message).toBe('owners.json[1]: owner is missing');
  });

  it('skips a bad CSV record, naming its line', () => {
    const csv = [
      'hostname,owner,created_time,deleted_time,experiment,notes',
      'h1,alice,2026-01-01T00:00:00Z,,RB1,first',
      'h2,bob,yesterday,,,',
      '',
      'h3,carol,2026-01-01,2026-01-02,,x',
    ].join('\n');
    const { records, problems } = parseOwnershipRecords(csv, 'owners.csv');
    expect(records).toEqual([
      { hostname: 'h1', owner: 'alice', createdSeconds: T0, experiment: 'RB1' },
      { hostname: 'h3', owner: 'carol', createdSeconds: T0, deletedSeconds: T0 + 86400 },
    ]);
    expect(problems.map((p) => p.where)).toEqual(['owners.csv line 3']);
    expect(problems[0]!.message).toMatch(/line 3 created_time: not a time/);
  });

  it('throws for a text that cannot be read at all', () => {
    expect(() => parseOwnershipRecords('[{', 'f.json')).toThrow(/invalid JSON/);
    expect(() => parseOwnershipRecords('{"x": 1}', 'f.json')).toThrow(/expected a JSON array/);
    expect(() => parseOwnershipRecords('hostname,owner\nh,x', 'f.csv')).toThrow(/no created_time column/);
  });
});

describe('the resolver', () => {
  const own = new Ownership([
    { hostname: 'h1', owner: 'alice', createdSeconds: T0, deletedSeconds: T0 + 100, experiment: 'E1' },
    { hostname: 'h1', owner: 'bob', createdSeconds: T0 + 100 },
    // overlaps bob's open record: created last, so it wins while it lasts
    { hostname: 'H1', owner: 'carol', createdSeconds: T0 + 200, deletedSeconds: T0 + 300, experiment: 'E3' },
  ]);
  const none = { user: UNKNOWN, experiment: UNKNOWN };

  it('takes the record whose [created, deleted) contains the instant; overlaps: the one created last', () => {
    const at = (t: number) => resolveOwner(none, ['h1'], t, own);
    expect(at(T0 - 1)).toEqual(none);
    expect(at(T0)).toEqual({ user: 'alice', experiment: 'E1' });
    expect(at(T0 + 100)).toEqual({ user: 'bob', experiment: UNKNOWN });
    expect(at(T0 + 250)).toEqual({ user: 'carol', experiment: 'E3' });
    expect(at(T0 + 300)).toEqual({ user: 'bob', experiment: UNKNOWN });
  });

  it('lets labels set on the target win, field by field', () => {
    expect(resolveOwner({ user: 'label-user', experiment: UNKNOWN }, ['h1'], T0, own)).toEqual({
      user: 'label-user',
      experiment: 'E1',
    });
    expect(resolveOwner({ user: UNKNOWN, experiment: 'X' }, ['h1'], T0, own)).toEqual({
      user: 'alice',
      experiment: 'X',
    });
  });

  it('matches by every name of the target, case-insensitively, and never by "unknown"', () => {
    expect(hostNames('10.0.0.1', 'h1.nubes.example:9100')).toEqual(['10.0.0.1', 'h1.nubes.example', 'h1']);
    expect(resolveOwner(none, hostNames('10.0.0.1', 'H1.nubes.example:9100'), T0, own).user).toBe('alice');
    expect(hostNames(UNKNOWN, undefined)).toEqual([]);
    expect(
      new Ownership([{ hostname: UNKNOWN, owner: 'x', createdSeconds: 0 }]).ownerAt(hostNames(UNKNOWN, ''), 1)
    ).toBe(undefined);
  });
});

describe('ownership settings', () => {
  const config = (over: { ownership?: object; history?: object }): Pick<Config, 'ownership' | 'history'> => {
    const c = structuredClone(DEFAULTS);
    Object.assign(c.ownership, over.ownership);
    Object.assign(c.history.ownership, over.history);
    return c;
  };

  it('defaults: no source, a 300 s refresh, no warning', () => {
    expect(ownershipSettings(DEFAULTS)).toEqual({ refreshSeconds: 300 });
    expect(DEFAULTS.ownership.mongodb.collection).toBe('workspaces');
  });

  it('reads the top-level keys', () => {
    expect(ownershipSettings(config({ ownership: { file: 'o.csv', refreshSeconds: 60 } }))).toEqual({
      source: { kind: 'file', file: 'o.csv' },
      refreshSeconds: 60,
    });
    const m = config({ ownership: { mongodb: { url: 'mongodb://m', database: 'ada', collection: 'ws' } } });
    expect(ownershipSettings(m).source).toEqual({
      kind: 'mongodb',
      url: 'mongodb://m',
      database: 'ada',
      collection: 'ws',
    });
  });

  it('accepts history.ownership as a deprecated alias; the top-level source wins over it', () => {
    const old = ownershipSettings(config({ history: { mongodbUrl: 'mongodb://old', database: 'd' } }));
    expect(old.source).toEqual({ kind: 'mongodb', url: 'mongodb://old', database: 'd', collection: 'workspaces' });
    expect(old.deprecation).toMatch(/history\.ownership is deprecated/);
    const both = ownershipSettings(config({ history: { file: 'old.csv' }, ownership: { file: 'new.csv' } }));
    expect(both.source).toEqual({ kind: 'file', file: 'new.csv' });
    expect(both.deprecation).toMatch(/ownership is set and wins/);
  });
});
