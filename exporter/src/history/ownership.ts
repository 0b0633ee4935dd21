// Workspace-ownership records (Ada keeps them in MongoDB; the embedded default reads a JSON or CSV file).
import fs from 'node:fs';
import { parse as parseCsv, type Info } from 'csv-parse/sync';

export interface OwnershipRecord {
  hostname: string;
  owner: string;
  createdSeconds: number;
  /** undefined: still open */
  deletedSeconds?: number;
}

export class OwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OwnershipError';
  }
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

export function recordFrom(doc: Record<string, unknown>, where: string): OwnershipRecord {
  const hostname = doc.hostname;
  const owner = doc.owner;
  if (typeof hostname !== 'string' || hostname.trim() === '') throw new OwnershipError(`${where}: hostname is missing`);
  if (typeof owner !== 'string' || owner.trim() === '') throw new OwnershipError(`${where}: owner is missing`);
  const created = parseTime(doc.created_time, `${where} created_time`);
  if (created === undefined) throw new OwnershipError(`${where}: created_time is missing`);
  const deleted = parseTime(doc.deleted_time, `${where} deleted_time`);
  if (deleted !== undefined && deleted < created)
    throw new OwnershipError(`${where}: deleted_time is before created_time`);
  const out: OwnershipRecord = { hostname: hostname.trim(), owner, createdSeconds: created };
  if (deleted !== undefined) out.deletedSeconds = deleted;
  return out;
}

export function parseOwnershipText(text: string, name: string): OwnershipRecord[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new OwnershipError(`${name}: invalid JSON: ${(err as Error).message}`);
    }
    const list = Array.isArray(body) ? body : (body as { workspaces?: unknown }).workspaces;
    if (!Array.isArray(list)) throw new OwnershipError(`${name}: expected a JSON array of records`);
    return list.map((d, i) => recordFrom(d as Record<string, unknown>, `${name}[${i}]`));
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
  return rows.map(({ record, info }) =>
    recordFrom(Object.fromEntries(header.map((h, j) => [h, record[j]])), `${name} line ${info.lines}`)
  );
}

export function loadOwnershipFile(file: string): OwnershipRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new OwnershipError(
      `cannot read ownership file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`
    );
  }
  return parseOwnershipText(text, file);
}

/** Loads the records of a MongoDB collection (Ada's workspace documents). */
export async function loadOwnershipMongo(
  url: string,
  database: string | undefined,
  collection: string
): Promise<OwnershipRecord[]> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    const docs = await client
      .db(database)
      .collection(collection)
      .find({}, { projection: { hostname: 1, owner: 1, created_time: 1, deleted_time: 1 } })
      .toArray();
    return docs.map((d, i) => recordFrom(d as Record<string, unknown>, `${collection}[${i}]`));
  } finally {
    await client.close();
  }
}

/**
 * owner at t = the record for the host whose [created, deleted) contains t. Overlapping records: the one created
 * last wins (the most recent hand-over). No record: undefined (the caller attributes to "unknown").
 */
export class Ownership {
  private readonly byHost = new Map<string, OwnershipRecord[]>();

  constructor(records: readonly OwnershipRecord[]) {
    for (const r of records) {
      const k = r.hostname.toLowerCase();
      const list = this.byHost.get(k) ?? [];
      list.push(r);
      this.byHost.set(k, list);
    }
    for (const list of this.byHost.values()) list.sort((a, b) => b.createdSeconds - a.createdSeconds);
  }

  get size(): number {
    let n = 0;
    for (const l of this.byHost.values()) n += l.length;
    return n;
  }

  /** names: every name the target goes by (host label, instance host, its first DNS label); first match wins */
  ownerAt(names: readonly string[], tSeconds: number): string | undefined {
    for (const name of names) {
      const list = this.byHost.get(name.toLowerCase());
      const hit = list?.find(
        (r) => r.createdSeconds <= tSeconds && (r.deletedSeconds === undefined || tSeconds < r.deletedSeconds)
      );
      if (hit) return hit.owner;
    }
    return undefined;
  }
}

/** host label, instance without port, and the instance's first DNS label (host-172-16-0-1.nubes...:9100 -> host-172-16-0-1). */
export function hostNames(host: string, instance: string | undefined): string[] {
  const names = [host];
  if (instance) {
    const m = /^\[(.*)\](?::\d+)?$/.exec(instance) ?? /^(.*?)(?::\d+)?$/.exec(instance);
    const h = m?.[1];
    if (h) names.push(h, /^[\d.]+$/.test(h) ? h : h.split('.')[0]!);
  }
  return [...new Set(names.filter((n) => n !== ''))];
}
