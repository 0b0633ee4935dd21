// The text of the compact MongoDB layout, stored once: keys (level, name) and names (projects, machine types) get
// integer ids. Ids never change once given; a new one is claimed by inserting it, so two writers cannot give the
// same id to different text (the loser's insert fails on the unique index, it reloads and retries).
import type { Collection, Document } from 'mongodb';
import { LEVEL_IDS } from '../compactLayout';
import type { Level } from '../../history/types';

interface KeyDoc extends Document {
  _id: number;
  l: number;
  n: string;
}
interface NameDoc extends Document {
  _id: number;
  n: string;
}

const isDuplicate = (err: unknown): boolean => {
  const e = err as { code?: number; writeErrors?: Array<{ code?: number }> };
  return e?.code === 11000 || (e?.writeErrors ?? []).some((w) => w.code === 11000);
};

const keyText = (level: number, name: string): string => `${level}\u0000${name}`;

export class MongoDictionary {
  private readonly keyIds = new Map<string, number>();
  private readonly keyById = new Map<number, { level: number; name: string }>();
  private readonly nameIds = new Map<string, number>();
  private readonly nameById = new Map<number, string>();
  private maxKey = -1;
  private maxName = -1;

  constructor(
    private readonly keys: Collection<KeyDoc>,
    private readonly names: Collection<NameDoc>
  ) {}

  async prepare(): Promise<void> {
    await this.keys.createIndex({ l: 1, n: 1 }, { unique: true });
    await this.names.createIndex({ n: 1 }, { unique: true });
    await this.refresh();
  }

  /** Loads the ids other writers added since the last look. */
  async refresh(): Promise<void> {
    for (const d of await this.keys.find({ _id: { $gt: this.maxKey } }).toArray()) {
      this.keyIds.set(keyText(d.l, d.n), d._id);
      this.keyById.set(d._id, { level: d.l, name: d.n });
      this.maxKey = Math.max(this.maxKey, d._id);
    }
    for (const d of await this.names.find({ _id: { $gt: this.maxName } }).toArray()) {
      this.nameIds.set(d.n, d._id);
      this.nameById.set(d._id, d.n);
      this.maxName = Math.max(this.maxName, d._id);
    }
  }

  /** Forgets everything (after a failed write, or a migration that may have added ids). */
  clear(): void {
    this.keyIds.clear();
    this.keyById.clear();
    this.nameIds.clear();
    this.nameById.clear();
    this.maxKey = -1;
    this.maxName = -1;
  }

  keyId(level: Level, name: string): number | undefined {
    return this.keyIds.get(keyText(LEVEL_IDS[level], name));
  }

  nameId(name: string): number | undefined {
    return this.nameIds.get(name);
  }

  key(id: number): { level: number; name: string } {
    const k = this.keyById.get(id);
    if (k === undefined) throw new Error(`usage key id ${id} not in the dictionary`);
    return k;
  }

  name(id: number): string {
    const n = this.nameById.get(id);
    if (n === undefined) throw new Error(`usage name id ${id} not in the dictionary`);
    return n;
  }

  keysOfLevel(level: Level): number[] {
    const l = LEVEL_IDS[level];
    return [...this.keyById].filter(([, k]) => k.level === l).map(([id]) => id);
  }

  isHost(id: number): boolean {
    return this.key(id).level === LEVEL_IDS.host;
  }

  /** Gives ids to the keys and names not known yet. */
  async ensure(keys: ReadonlyArray<{ level: Level; key: string }>, names: readonly string[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const newKeys = new Map<string, { l: number; n: string }>();
      for (const k of keys) {
        const l = LEVEL_IDS[k.level];
        if (!this.keyIds.has(keyText(l, k.key))) newKeys.set(keyText(l, k.key), { l, n: k.key });
      }
      const newNames = [...new Set(names)].filter((n) => !this.nameIds.has(n));
      if (newKeys.size === 0 && newNames.length === 0) return;
      try {
        if (newKeys.size) {
          let id = this.maxKey;
          await this.keys.insertMany(
            [...newKeys.values()].map((k) => ({ _id: ++id, ...k })),
            { ordered: true }
          );
        }
        if (newNames.length) {
          let id = this.maxName;
          await this.names.insertMany(
            newNames.map((n) => ({ _id: ++id, n })),
            { ordered: true }
          );
        }
      } catch (err) {
        if (!isDuplicate(err) || attempt >= 5) throw err;
      }
      await this.refresh();
    }
  }
}
