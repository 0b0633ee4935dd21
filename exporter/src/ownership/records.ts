// Ownership records: parsing text (JSON array or CSV) into records. Pure: no I/O.
import { parse as parseCsv, type Info } from 'csv-parse/sync';

export interface OwnershipRecord {
  hostname: string;
  owner: string;
  createdSeconds: number;
  /** undefined: still open */
  deletedSeconds?: number;
  experiment?: string;
}

export class OwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OwnershipError';
  }
}

/** A record that was skipped, and where it was (`owners.json[3]`, `owners.csv line 7`). */
export interface RecordProblem {
  where: string;
  message: string;
}

/** The usable records of a source and the ones skipped; a bad record never hides the good ones. */
export interface ParsedRecords {
  records: OwnershipRecord[];
  problems: RecordProblem[];
}

/** ISO date-time, a date, or unix seconds (number or numeric text); empty/null -> undefined. */
export function parseTime(raw: unknown, what: string): number | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (raw instanceof Date) return raw.getTime() / 1000;
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '' || text.toLowerCase() === 'null') return undefined;
    if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) || !text.includes('T') ? text : `${text}Z`);
    if (Number.isFinite(ms)) return ms / 1000;
  }
  throw new OwnershipError(`${what}: not a time: ${JSON.stringify(raw)?.slice(0, 60)}`);
}

/** One record from a document; fields other than the five known ones are ignored. Throws OwnershipError. */
export function recordFrom(doc: unknown, where: string): OwnershipRecord {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new OwnershipError(`${where}: not an object`);
  const { hostname, owner, experiment } = doc as Record<string, unknown>;
  if (typeof hostname !== 'string' || hostname.trim() === '') throw new OwnershipError(`${where}: hostname is missing`);
  if (typeof owner !== 'string' || owner.trim() === '') throw new OwnershipError(`${where}: owner is missing`);
  const times = doc as Record<string, unknown>;
  const created = parseTime(times.created_time, `${where} created_time`);
  if (created === undefined) throw new OwnershipError(`${where}: created_time is missing`);
  const deleted = parseTime(times.deleted_time, `${where} deleted_time`);
  if (deleted !== undefined && deleted < created)
    throw new OwnershipError(`${where}: deleted_time is before created_time`);
  if (experiment !== undefined && experiment !== null && typeof experiment !== 'string')
    throw new OwnershipError(`${where}: experiment is not text`);
  const out: OwnershipRecord = { hostname: hostname.trim(), owner, createdSeconds: created };
  if (deleted !== undefined) out.deletedSeconds = deleted;
  if (typeof experiment === 'string' && experiment.trim() !== '') out.experiment = experiment.trim();
  return out;
}

/** Every document that makes a record, and the position and reason of each one that does not. */
export function recordsFrom(docs: ReadonlyArray<{ doc: unknown; where: string }>): ParsedRecords {
  const out: ParsedRecords = { records: [], problems: [] };
  for (const { doc, where } of docs) {
    try {
      out.records.push(recordFrom(doc, where));
    } catch (err) {
      if (!(err instanceof OwnershipError)) throw err;
      out.problems.push({ where, message: err.message });
    }
  }
  return out;
}

/** The documents of a JSON or CSV text, each with its position. A text that cannot be read at all throws. */
function documentsOf(text: string, name: string): Array<{ doc: unknown; where: string }> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new OwnershipError(`${name}: invalid JSON: ${(err as Error).message}`);
    }
    const list: unknown = Array.isArray(body) ? body : (body as { workspaces?: unknown } | null)?.workspaces;
    if (!Array.isArray(list)) throw new OwnershipError(`${name}: expected a JSON array of records`);
    return list.map((doc: unknown, i) => ({ doc, where: `${name}[${i}]` }));
  }
  let rows: Array<{ record: string[]; info: Info }>;
  try {
    // with `info` each record comes as { record, info }, which the declared overloads do not express
    rows = parseCsv(text, {
      bom: true,
      info: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as typeof rows;
  } catch (err) {
    throw new OwnershipError(`${name}: invalid CSV: ${(err as Error).message}`);
  }
  const header = (rows.shift()?.record ?? []).map((h) => h.trim().toLowerCase());
  for (const col of ['hostname', 'owner', 'created_time']) {
    if (!header.includes(col)) throw new OwnershipError(`${name}: CSV header has no ${col} column`);
  }
  return rows.map(({ record, info }) => ({
    doc: Object.fromEntries(header.map((h, j) => [h, record[j]])),
    where: `${name} line ${info.lines}`,
  }));
}

/** Lenient: bad records are skipped and listed with their position; only an unreadable text throws. */
export function parseOwnershipRecords(text: string, name: string): ParsedRecords {
  return recordsFrom(documentsOf(text, name));
}

/** Strict: the first bad record throws (for callers that must not guess). */
export function parseOwnershipText(text: string, name: string): OwnershipRecord[] {
  const { records, problems } = parseOwnershipRecords(text, name);
  if (problems[0]) throw new OwnershipError(problems[0].message);
  return records;
}
