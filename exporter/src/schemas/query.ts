// Building blocks of query and path rules. `errorMessage` (see http/validation.ts) makes each 400 name its parameter.
import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';
import { LEVELS } from '../history/types';

/** One of a fixed list of strings, with the message a wrong one gets ({value} is what was given). */
export const OneOf = <T extends string>(
  values: readonly T[],
  errorMessage: string,
  description?: string
): TUnion<Array<TLiteral<T>>> =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { errorMessage, description }
  );

export const Level = OneOf(LEVELS, `unknown level {value}; levels: ${LEVELS.join(', ')}`, LEVELS.join(' | '));

/** Any non-blank value at a level (hostile text included: it is only compared, never interpreted). */
export const Key = (maxLength = 2048) =>
  Type.String({
    pattern: '\\S',
    maxLength,
    errorMessage: { pattern: 'key must not be blank' },
    description: 'the value at that level, e.g. IDAaaS',
  });

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const DATE_OR_DATETIME = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$';

/** A calendar date when it has the shape of one: the shape and the calendar each get their own message. */
const calendar = (name: string) => ({
  if: { pattern: DATE },
  then: { format: 'date', errorMessage: `${name}: {value} is not a calendar date` },
});

/** YYYY-MM-DD (a whole UTC day) or an ISO 8601 date-time with a zone. */
export const When = (name: 'from' | 'to') =>
  Type.String({
    pattern: DATE_OR_DATETIME,
    maxLength: 40,
    ...calendar(name),
    errorMessage: {
      pattern: `${name}: {value} is not YYYY-MM-DD or an ISO 8601 date-time with a zone (e.g. 2026-11-01T00:00Z)`,
    },
    description: 'YYYY-MM-DD or an ISO 8601 date-time with a zone',
  });

/** YYYY-MM-DD. */
export const Day = (name: string) =>
  Type.String({
    pattern: DATE,
    ...calendar(name),
    errorMessage: { pattern: `${name}: {value} is not YYYY-MM-DD` },
    description: 'YYYY-MM-DD',
  });

export const GRANULARITIES = ['hour', 'day', 'month', 'year'] as const;
export const Granularity = OneOf(
  GRANULARITIES,
  `unknown granularity {value}; granularities: ${GRANULARITIES.join(', ')}`,
  'hour | day | month | year (default day)'
);
