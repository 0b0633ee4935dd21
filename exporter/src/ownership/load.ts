// Reading ownership records from their source: a JSON or CSV file, or a MongoDB collection (Ada's workspaces).
import fs from 'node:fs';
import { OwnershipError, parseOwnershipRecords, recordsFrom, type ParsedRecords } from './records';
import type { OwnershipSource } from './settings';

export async function loadOwnershipFile(file: string): Promise<ParsedRecords> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    throw new OwnershipError(
      `cannot read ownership file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`
    );
  }
  return parseOwnershipRecords(text, file);
}

/** The records of a MongoDB collection; only the five record fields are fetched. */
export async function loadOwnershipMongo(
  url: string,
  database: string | undefined,
  collection: string,
  timeoutMs = 5000
): Promise<ParsedRecords> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    const docs = await client
      .db(database)
      .collection(collection)
      .find({}, { projection: { hostname: 1, owner: 1, created_time: 1, deleted_time: 1, experiment: 1 } })
      .toArray();
    return recordsFrom(docs.map((doc, i) => ({ doc, where: `${collection}[${i}]` })));
  } finally {
    await client.close();
  }
}

export function loadOwnership(source: OwnershipSource, mongoTimeoutMs?: number): Promise<ParsedRecords> {
  return source.kind === 'file'
    ? loadOwnershipFile(source.file)
    : loadOwnershipMongo(source.url, source.database, source.collection, mongoTimeoutMs);
}
