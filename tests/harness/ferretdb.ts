import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MongoClient } from 'mongodb';
import { freePort } from './ports';
import { startProcess, type ManagedProcess } from './process';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const ENSURE_SCRIPT = path.join(REPO_ROOT, 'scripts', 'ensure-ferretdb.sh');
const READY_TIMEOUT_MS = 30000;
const PING_TIMEOUT_MS = 1000;

export interface RunningFerretDb {
  /** mongodb:// URL of the running server (loopback). */
  url: string;
  port: number;
  /** Holds the SQLite files; kept across stop()/start() so data survives a restart. */
  dataDir: string;
  /** Stops the process; the data dir and port stay reserved for start(). Safe to call repeatedly. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data dir (after stop()). */
  start(): Promise<void>;
  /** Stops it and removes its temp dir. */
  close(): Promise<void>;
  running(): boolean;
}

let cachedBinary: string | undefined;

/** The FerretDB binary: ADA_CARBON_FERRETDB, else the path scripts/ensure-ferretdb.sh builds and prints. */
export function ferretDbBinary(): string {
  if (cachedBinary !== undefined) return cachedBinary;
  const fromEnv = process.env.ADA_CARBON_FERRETDB;
  let bin: string;
  if (fromEnv !== undefined && fromEnv !== '') {
    bin = fromEnv;
  } else {
    try {
      bin = execFileSync('bash', [ENSURE_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new Error(
        `FerretDB binary not available: set ADA_CARBON_FERRETDB to an executable FerretDB v1.24.2, or make ` +
          `\`bash scripts/ensure-ferretdb.sh\` work (it needs Go). Script said: ${stderr.trim() || String(err)}`
      );
    }
  }
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new Error(
      `FerretDB binary not found or not executable at ${bin} (from ADA_CARBON_FERRETDB or ensure-ferretdb.sh)`
    );
  }
  cachedBinary = bin;
  return bin;
}

async function pingOnce(url: string): Promise<boolean> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: PING_TIMEOUT_MS,
    connectTimeoutMS: PING_TIMEOUT_MS,
  });
  try {
    await client.connect();
    const res = await client.db('admin').command({ ping: 1 });
    return res.ok === 1;
  } finally {
    await client.close();
  }
}

function launch(bin: string, dataDir: string, workDir: string, port: number, debugPort: number, n: number) {
  return startProcess({
    name: `ferretdb-${n}`,
    command: bin,
    args: [
      '--handler=sqlite',
      // FerretDB wants a directory URL; without the trailing slash it refuses to start.
      `--sqlite-url=file:${dataDir}/`,
      `--state-dir=${dataDir}`,
      '--telemetry=disable',
      `--listen-addr=127.0.0.1:${port}`,
      `--debug-addr=127.0.0.1:${debugPort}`,
      '--log-level=warn',
    ],
    logDir: workDir,
  });
}

/** Starts FerretDB (SQLite backend) on a free loopback port in a fresh temp dir, resolved once it answers ping. */
export async function startFerretDb(): Promise<RunningFerretDb> {
  const bin = ferretDbBinary();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ada-carbon-ferretdb-'));
  const dataDir = path.join(workDir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  let launches = 0;
  let proc: ManagedProcess | undefined;
  let port = 0;
  let debugPort = 0;

  const run = async (): Promise<void> => {
    const p = launch(bin, dataDir, workDir, port, debugPort, launches++);
    proc = p;
    const url = `mongodb://127.0.0.1:${port}/`;
    await p.waitUntil(() => pingOnce(url), `${url} to answer ping`, READY_TIMEOUT_MS);
  };

  let lastError: unknown;
  // A free port can be taken before FerretDB binds it: retry with new ones.
  for (let attempt = 0; attempt < 3; attempt++) {
    port = await freePort();
    debugPort = await freePort();
    try {
      await run();
      lastError = undefined;
      break;
    } catch (err) {
      lastError = err;
      await proc?.stop();
      if (!/address already in use/.test(proc?.logTail(50) ?? '')) break;
    }
  }
  if (lastError !== undefined) {
    fs.rmSync(workDir, { recursive: true, force: true });
    throw lastError instanceof Error ? lastError : new Error(`FerretDB did not start: ${JSON.stringify(lastError)}`);
  }

  const stop = async (): Promise<void> => {
    await proc?.stop();
  };
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    port,
    dataDir,
    stop,
    start: async () => {
      if (proc !== undefined && proc.exitInfo() === undefined) return;
      await run();
    },
    close: async () => {
      await stop();
      if (process.env.ADA_CARBON_HARNESS_KEEP !== '1') fs.rmSync(workDir, { recursive: true, force: true });
    },
    running: () => proc !== undefined && proc.exitInfo() === undefined,
  };
}

/**
 * One FerretDB for the enclosing describe block: started in beforeAll, closed in afterAll. The returned function
 * gives the running server, or throws when it did not start.
 */
export function useFerretDb(): () => RunningFerretDb {
  let ferret: RunningFerretDb | undefined;
  beforeAll(async () => {
    ferret = await startFerretDb();
  }, 60000);
  afterAll(async () => {
    await ferret?.close();
  }, 60000);
  return () => {
    if (ferret === undefined) throw new Error('FerretDB did not start');
    return ferret;
  };
}

/**
 * A FerretDB and one MongoClient on it for the enclosing describe block. The client is closed before the server
 * stops: jest-circus runs afterAll hooks in declaration order, and a client closed after its server waits out the
 * server selection timeout.
 */
export function useFerretDbClient(): { ferret: () => RunningFerretDb; client: () => MongoClient } {
  let ferret: RunningFerretDb | undefined;
  let client: MongoClient | undefined;
  beforeAll(async () => {
    ferret = await startFerretDb();
    client = await new MongoClient(ferret.url, { serverSelectionTimeoutMS: 5000 }).connect();
  }, 60000);
  afterAll(async () => {
    await client?.close();
    await ferret?.close();
  }, 60000);
  return {
    ferret: () => {
      if (ferret === undefined) throw new Error('FerretDB did not start');
      return ferret;
    },
    client: () => {
      if (client === undefined) throw new Error('FerretDB client did not connect');
      return client;
    },
  };
}
