import { Type, type TProperties } from '@sinclair/typebox';

/** A config section: no unknown keys, and an empty object by default so that its own defaults apply. */
export const section = <T extends TProperties>(properties: T) =>
  Type.Object(properties, { additionalProperties: false, default: {} });
