// The one resolver of who owns a host, and for which experiment, at an instant; shared by live tracking and history.
// Pure: no I/O.
import type { OwnershipRecord } from './records';

/** What a label or a record that says nothing is attributed to (the same word tracking and history use). */
export const UNKNOWN = 'unknown';

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
  recordAt(names: readonly string[], tSeconds: number): OwnershipRecord | undefined {
    for (const name of names) {
      const list = this.byHost.get(name.toLowerCase());
      const hit = list?.find(
        (r) => r.createdSeconds <= tSeconds && (r.deletedSeconds === undefined || tSeconds < r.deletedSeconds)
      );
      if (hit) return hit;
    }
    return undefined;
  }

  ownerAt(names: readonly string[], tSeconds: number): string | undefined {
    return this.recordAt(names, tSeconds)?.owner;
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
  return [...new Set(names.filter((n) => n !== '' && n !== UNKNOWN))];
}

export interface UserAndExperiment {
  user: string;
  experiment: string;
}

/**
 * User and experiment of a target at an instant: a label set on the target wins; otherwise the record that covers
 * the instant; otherwise "unknown". `labels` holds the label values, UNKNOWN where the target has none.
 */
export function resolveOwner(
  labels: UserAndExperiment,
  names: readonly string[],
  tSeconds: number,
  ownership: Ownership | undefined
): UserAndExperiment {
  if (!ownership || (labels.user !== UNKNOWN && labels.experiment !== UNKNOWN)) return labels;
  const r = ownership.recordAt(names, tSeconds);
  if (!r) return labels;
  return {
    user: labels.user !== UNKNOWN ? labels.user : r.owner,
    experiment: labels.experiment !== UNKNOWN ? labels.experiment : (r.experiment ?? UNKNOWN),
  };
}

/** A target's labels with user and experiment resolved at t; the same objects when there are no records. */
export function ownedTargets<T extends { instance: string; labels: UserAndExperiment & { host: string } }>(
  targets: readonly T[],
  tSeconds: number,
  ownership: Ownership | undefined
): readonly T[] {
  if (!ownership) return targets;
  return targets.map((o) => ({
    ...o,
    labels: { ...o.labels, ...resolveOwner(o.labels, hostNames(o.labels.host, o.instance), tSeconds, ownership) },
  }));
}
