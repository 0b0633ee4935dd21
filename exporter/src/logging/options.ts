import type { FastifyServerOptions } from 'fastify';
import pinoPretty from 'pino-pretty';
import type { LOG_FORMATS, LOG_LEVELS } from '../config/schema';

export type LogFormat = (typeof LOG_FORMATS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What the lines look like: `auto` means pretty for a person at a terminal, JSON for anything collecting them. */
export function resolveLogFormat(format: LogFormat, isTTY: boolean): 'pretty' | 'json' {
  if (format === 'auto') return isTTY ? 'pretty' : 'json';
  return format;
}

/** pino-pretty's settings for a terminal: local clock time, no pid/hostname noise, colour only on a real TTY. */
export function prettyOptions(isTTY: boolean): pinoPretty.PrettyOptions {
  return { colorize: isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true };
}

/**
 * The Fastify logger for `serve`. Pretty lines go through pino-pretty as a stream in this thread rather than a
 * transport worker, so nothing is lost when the process exits right after an error line.
 */
export function loggerOptions(
  level: LogLevel,
  format: LogFormat,
  isTTY = process.stdout.isTTY === true
): NonNullable<FastifyServerOptions['logger']> {
  if (resolveLogFormat(format, isTTY) === 'json') return { level };
  return { level, stream: pinoPretty({ ...prettyOptions(isTTY), destination: 1, sync: true }) };
}
