/** `ada-carbon backfill` end to end against the synthetic fleet. */
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../src/cli';
import { tempDir } from '../support/app';
import { HOURS, historyConfig, startUpstreams, type Upstreams } from './support';

let up: Upstreams;
beforeAll(async () => {
  up = await startUpstreams();
}, 120000);
afterAll(async () => up?.stop());

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env: {} } };
}

describe('ada-carbon backfill', () => {
  it('estimates a day, prints a summary, and a second run skips it', async () => {
    const file = historyConfig(up).file!;
    const a = io();
    const code0 = await runCli(
      ['-c', file, 'backfill', '--from', '2026-11-01', '--to', '2026-11-01', '--site', 'isis'],
      a.io
    );
    expect([code0, a.err.join('\n')]).toEqual([0, '']);
    const text = a.out.join('\n');
    expect(text).toMatch(/scope: IDAaaS/);
    expect(text).toMatch(/hours in range: 24 \(already done: 0\)/);
    // the fleet runs for the first HOURS hours of the day; the rest of the day Prometheus has no CPU samples
    expect(text).toContain(
      `hours estimated: 24 (fallback intensity: 0; sum-check off: 0; no CPU samples: ${24 - HOURS})`
    );
    expect(text).toMatch(/energy: \d+\.\d+ kWh/);
    expect(text).toMatch(/requests: Prometheus \d+, carbon intensity \d+/);
    const b = io();
    expect(
      await runCli(
        ['-c', file, 'backfill', '--from', '2026-11-01', '--to', '2026-11-01', '--site', 'isis', '--json'],
        b.io
      )
    ).toBe(0);
    expect(JSON.parse(b.out.join('\n'))).toMatchObject({
      hoursSkipped: 24,
      hoursEstimated: 0,
      prometheusRequests: 0,
      carbonRequests: 0,
    });
  });

  it('rejects bad dates, reversed or future ranges, unknown sites, --site with --project', async () => {
    const file = historyConfig(up).file!;
    const run = async (...args: string[]) => {
      const x = io();
      const code = await runCli(['-c', file, 'backfill', ...args], x.io);
      return { code, err: x.err.join('\n') };
    };
    expect(await run('--from', '2026-13-01', '--to', '2026-11-01')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/not a calendar date/) as string,
    });
    expect(await run('--from', '1/11/2026', '--to', '2026-11-01')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/YYYY-MM-DD/) as string,
    });
    expect(await run('--from', '2026-11-02', '--to', '2026-11-01')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/before --from/) as string,
    });
    expect(await run('--from', '2099-01-01', '--to', '2099-01-02')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/in the future/) as string,
    });
    expect(await run('--from', '2026-11-01', '--to', '2026-11-01', '--site', 'mars')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/unknown site "mars"/) as string,
    });
    expect((await run('--from', '2026-11-01', '--to', '2026-11-01', '--site', 'clf', '--project', 'X')).code).toBe(2);
  });

  it('without a Prometheus URL: exit 2 naming the key and how to set it', async () => {
    const file = path.join(tempDir(), 'ada-carbon.yaml');
    fs.writeFileSync(file, 'logLevel: silent\n');
    const x = io();
    expect(await runCli(['-c', file, 'backfill', '--from', '2026-11-01', '--to', '2026-11-01'], x.io)).toBe(2);
    expect(x.err.join('\n')).toMatch(/prometheus\.url: is required by backfill \(set it or ADA_CARBON_PROMETHEUS_URL/);
  });
});
