/**
 * `serve`'s log lines, from the built CLI: JSON when standard output is a pipe (collectors), pino-pretty when it is
 * a terminal (a real pseudo-terminal from util-linux `script`), and `logFormat` overriding either.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/app';
import { loggerOptions, resolveLogFormat } from '../../src/logging/options';

const bin = path.resolve(__dirname, '../../dist/cli.js');
const LISTENING = /Server listening at http:\/\/127\.0\.0\.1:\d+/;

/** Runs serve until it logs that it listens (or 20 s pass), then stops it; resolves to what it printed. */
function serveUntilListening(env: Record<string, string>, tty: boolean): Promise<string> {
  const dir = tempDir();
  const fullEnv = {
    PATH: process.env.PATH ?? '',
    ADA_CARBON_PROMETHEUS_URL: 'http://127.0.0.1:9',
    ADA_CARBON_CARBON_INTENSITY_URL: 'http://127.0.0.1:9',
    ADA_CARBON_SERVER_HOST: '127.0.0.1',
    ADA_CARBON_SERVER_PORT: '0',
    ADA_CARBON_STORE_SQLITE_PATH: path.join(dir, 'store.sqlite'),
    ...env,
  };
  // the shell's pid is the serve's after exec
  const pidFile = path.join(dir, 'serve.pid');
  const cmd = `echo $$ > '${pidFile}'; exec '${process.execPath}' '${bin}' serve`;
  const child = tty
    ? spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: dir, env: fullEnv })
    : spawn(process.execPath, [bin, 'serve'], { cwd: dir, env: fullEnv });
  // on a terminal the serve runs in a session of its own under script: it is signalled itself (script then ends with
  // it), since a signal to script alone could leave it running after the test
  const stop = (signal: NodeJS.Signals): void => {
    if (!tty) {
      child.kill(signal);
      return;
    }
    try {
      process.kill(Number(fs.readFileSync(pidFile, 'utf8')), signal);
    } catch {
      // not started yet, or already gone
    }
    if (signal === 'SIGKILL') child.kill(signal);
  };
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => stop('SIGKILL'), 20000);
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      if (LISTENING.test(out)) stop('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

const lineWith = (out: string, re: RegExp) => out.split(/\r?\n/).find((l) => re.test(l)) ?? '';

describe('serve log lines', () => {
  it('are JSON objects when standard output is not a terminal', async () => {
    const out = await serveUntilListening({}, false);
    const line = JSON.parse(lineWith(out, LISTENING)) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: expect.stringMatching(LISTENING) as unknown });
    expect(typeof line.time).toBe('number');
  }, 30000);

  it('are pino-pretty lines, in colour, on a terminal', async () => {
    const out = await serveUntilListening({}, true);
    const line = lineWith(out, LISTENING);
    const ESC = String.fromCharCode(27); // ANSI colour codes: green INFO, cyan message
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] /);
    expect(line).toContain(`${ESC}[32mINFO${ESC}[39m: ${ESC}[36mServer listening`);
    expect(out).not.toMatch(/^\{"level"/m);
  }, 30000);

  it('follow logFormat over the terminal test, both ways', async () => {
    const json = await serveUntilListening({ ADA_CARBON_LOG_FORMAT: 'json' }, true);
    expect(JSON.parse(lineWith(json, LISTENING))).toMatchObject({ level: 30 });
    const pretty = await serveUntilListening({ ADA_CARBON_LOG_FORMAT: 'pretty' }, false);
    // pretty into a pipe: readable, without colour codes
    expect(lineWith(pretty, LISTENING)).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening/);
  }, 60000);

  it('reject an unknown logFormat with the allowed values', async () => {
    const out = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [bin, 'check-config'], {
        cwd: tempDir(),
        env: {
          PATH: process.env.PATH ?? '',
          ADA_CARBON_PROMETHEUS_URL: 'http://127.0.0.1:9',
          ADA_CARBON_LOG_FORMAT: 'xml',
        },
      });
      let err = '';
      child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
      child.on('close', (code) => resolve(`${code}: ${err}`));
    });
    expect(out).toMatch(/^2: [\s\S]*logFormat: must be one of auto, pretty, json \[env ADA_CARBON_LOG_FORMAT\]/);
  });
});

describe('the logger decision', () => {
  it.each([
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
  ] as const)('%s with a TTY=%s is %s', (format, tty, expected) => {
    expect(resolveLogFormat(format, tty)).toBe(expected);
  });

  it('hands Fastify a pretty stream only for pretty', () => {
    expect(loggerOptions('info', 'json', true)).toEqual({ level: 'info' });
    expect(loggerOptions('debug', 'pretty', false)).toMatchObject({
      level: 'debug',
      stream: expect.anything() as unknown,
    });
  });
});
