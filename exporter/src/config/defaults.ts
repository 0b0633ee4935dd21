import { Value } from '@sinclair/typebox/value';
import { ConfigSchema, type Config } from './schema';

/** Every default, derived from the `default` annotations of the schema (their sources: schema.ts, docs/power-model.md). */
export const DEFAULTS: Config = Value.Default(ConfigSchema, {}) as Config;
