import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface StartProcessOptions {
  /** Short name used in error messages, e.g. "prometheus". */
  name: string;
  command: string;
  args: string[];
  /** Directory that receives `<name>.log` (stdout and stderr together). */
  logDir: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  readonly child: ChildProcess;
  /** Set once the process has exited. */
  exitInfo(): ExitInfo | undefined;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** The last `lines` lines of the log. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Safe to call repeatedly. */
  stop(graceMs?: number): Promise<void>;
  /**
   * Polls `probe` until it returns true. Rejects with the exit status and log tail if the process exits first, or
   * after `timeoutMs` (the process is then stopped).
   */
  waitUntil(probe: () => Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
}

/** Every live child, so that exit handlers can kill what tests forgot to stop. */
const live = new Set<ChildProcess>();
let handlersInstalled = false;

function killAllNow(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killAllNow();
      // Re-raise so the default action (exit) still happens when nobody else handles the signal.
      process.removeListener(signal, handler);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

/**
 * A detached shell that SIGKILLs the child when this Node process disappears, even by SIGKILL (which no exit handler
 * sees). It ends by itself within a second of the child exiting.
 */
function spawnWatchdog(childPid: number): void {
  const script =
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${childPid} 2>/dev/null; do sleep 1; done; ` +
    `kill -0 ${process.pid} 2>/dev/null || kill -KILL ${childPid} 2>/dev/null; exit 0`;
  const dog = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  dog.on('error', () => undefined);
  dog.unref();
}

function readTail(logPath: string, lines: number): string {
  let text: string;
  try {
    const fd = fs.openSync(logPath, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      text = buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '(no log)';
  }
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n')
    .trimEnd();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function startProcess(opts: StartProcessOptions): ManagedProcess {
  installExitHandlers();
  fs.mkdirSync(opts.logDir, { recursive: true });
  const logPath = path.join(opts.logDir, `${opts.name}.log`);
  // The child writes straight into the file: nothing to pump, and the log survives a crash of the test.
  const fd = fs.openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.command, opts.args, {
      cwd: opts.cwd ?? opts.logDir,
      env: opts.env ?? process.env,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    fs.closeSync(fd);
  }
  let exit: ExitInfo | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      live.delete(child);
      resolve(exit);
    });
    child.once('error', (err) => {
      spawnError = err;
      exit = { code: null, signal: null };
      live.delete(child);
      resolve(exit);
    });
  });
  if (child.pid !== undefined) {
    live.add(child);
    spawnWatchdog(child.pid);
  }

  const logTail = (lines = 30): string => readTail(logPath, lines);
  const describeExit = (): string => {
    if (spawnError) return `could not be started (${spawnError.message})`;
    return `exited early (code ${exit?.code ?? 'none'}, signal ${exit?.signal ?? 'none'})`;
  };

  const stop = async (graceMs = 5000): Promise<void> => {
    if (exit) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!exit) child.kill('SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  };

  const waitUntil = async (probe: () => Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exit) {
        throw new Error(`${opts.name} ${describeExit()} while waiting for ${what}. Log ${logPath}:\n${logTail()}`);
      }
      let ok = false;
      try {
        ok = await probe();
      } catch {
        ok = false;
      }
      if (ok) return;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `${opts.name}: timed out after ${timeoutMs} ms waiting for ${what}. Log ${logPath}:\n${logTail()}`
        );
      }
      await sleep(100);
    }
  };

  return {
    name: opts.name,
    pid: child.pid ?? -1,
    logPath,
    child,
    exitInfo: () => exit,
    exited,
    logTail,
    stop,
    waitUntil,
  };
}

/** How many harness processes are alive in this Node process (for tests that check cleanup). */
export function liveProcessCount(): number {
  return live.size;
}
