// Which ownership source the config names: top-level `ownership`, else the deprecated `history.ownership`. Pure.
import type { Config } from '../config';

export type OwnershipSource =
  { kind: 'file'; file: string } | { kind: 'mongodb'; url: string; database?: string; collection: string };

export interface OwnershipSettings {
  source?: OwnershipSource;
  refreshSeconds: number;
  /** set when the deprecated `history.ownership` keys are in use */
  deprecation?: string;
}

type OwnershipConfig = Pick<Config, 'ownership' | 'history'>;

export function ownershipSettings(config: OwnershipConfig): OwnershipSettings {
  const top = config.ownership;
  const old = config.history.ownership;
  const refreshSeconds = top.refreshSeconds;
  const oldUsed = old.file !== undefined || old.mongodbUrl !== undefined;
  const deprecation = oldUsed
    ? 'history.ownership is deprecated: use the top-level ownership (ownership.file, ownership.mongodb.url, ' +
      'ownership.mongodb.database, ownership.mongodb.collection)' +
      (top.file !== undefined || top.mongodb.url !== undefined ? '; ownership is set and wins' : '')
    : undefined;
  const withDeprecation = (s: OwnershipSettings): OwnershipSettings => (deprecation ? { ...s, deprecation } : s);
  if (top.file) return withDeprecation({ source: { kind: 'file', file: top.file }, refreshSeconds });
  if (top.mongodb.url) {
    const { url, database, collection } = top.mongodb;
    return withDeprecation({ source: { kind: 'mongodb', url, database, collection }, refreshSeconds });
  }
  if (old.file) return withDeprecation({ source: { kind: 'file', file: old.file }, refreshSeconds });
  if (old.mongodbUrl) {
    const source: OwnershipSource = {
      kind: 'mongodb',
      url: old.mongodbUrl,
      database: old.database,
      collection: old.collection,
    };
    return withDeprecation({ source, refreshSeconds });
  }
  return withDeprecation({ refreshSeconds });
}
