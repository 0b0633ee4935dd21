// Keeps the ownership records of one source current: read at start and every refreshSeconds; a failed read keeps
// the last good records, so tracking never stops for them.
import type { ParsedRecords, RecordProblem } from './records';
import { Ownership } from './resolve';

interface Log {
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
}

export interface OwnershipRefresherOptions {
  load: () => Promise<ParsedRecords>;
  refreshSeconds: number;
  /** names the source in logs: the file path or the collection */
  name: string;
  log?: Log;
  clock?: () => number;
}

/** The shape of a tracking source's status, so the metrics show it beside the others. */
export interface OwnershipStatus {
  up: boolean;
  lastSuccessSeconds?: number;
  lastDurationSeconds?: number;
  lastError?: string;
}

/** What tracking reads each cycle: the last good records (undefined before the first) and the source's status. */
export interface OwnershipFeed {
  records?: Ownership;
  status: OwnershipStatus;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class OwnershipRefresher {
  private index?: Ownership;
  private state: OwnershipStatus = { up: false };
  private skipped: readonly RecordProblem[] = [];
  private lastProblemText = '';
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private readonly clock: () => number;

  constructor(private readonly opts: OwnershipRefresherOptions) {
    this.clock = opts.clock ?? ((): number => Date.now() / 1000);
  }

  /** the last good records; undefined until a read succeeded */
  get current(): Ownership | undefined {
    return this.index;
  }

  get status(): OwnershipStatus {
    return this.state;
  }

  /** records skipped at the last good read, with their positions */
  get problems(): readonly RecordProblem[] {
    return this.skipped;
  }

  /** One read; concurrent calls share it. Never rejects: a failure is logged and kept in `status`. */
  refresh(): Promise<void> {
    this.inFlight ??= this.read().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.opts.refreshSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private async read(): Promise<void> {
    const t0 = performance.now();
    const at = this.clock();
    try {
      const { records, problems } = await this.opts.load();
      this.index = new Ownership(records);
      this.skipped = problems;
      this.state = { up: true, lastSuccessSeconds: at, lastDurationSeconds: (performance.now() - t0) / 1000 };
      // the same bad records are reported once, not at every refresh
      const text = problems.map((p) => p.message).join('\n');
      if (text !== this.lastProblemText && problems.length > 0) {
        this.opts.log?.warn(
          { source: this.opts.name, skipped: problems.length, problems: problems.slice(0, 20).map((p) => p.message) },
          'ownership records skipped'
        );
      }
      this.lastProblemText = text;
    } catch (err) {
      this.state = {
        ...this.state,
        up: false,
        lastDurationSeconds: (performance.now() - t0) / 1000,
        lastError: errorText(err),
      };
      this.opts.log?.warn(
        { source: this.opts.name, err: errorText(err), keeping: this.index?.size ?? 0 },
        'ownership records could not be read; keeping the last good ones'
      );
    }
  }
}
