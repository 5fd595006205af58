/**
 * The simulator's notion of "now". Real time by default; tests set or advance it so token
 * expiry, late-arriving events, the 14-day realtime window and the one-year retention can be
 * exercised deterministically. A set clock is frozen until advanced or switched back to real time.
 */
export class SimClock {
  private fixed: number | undefined;
  private readonly jumpListeners: Array<() => void> = [];

  constructor(private readonly source: () => Date = () => new Date()) {}

  nowMs(): number {
    return this.fixed ?? this.source().getTime();
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Freezes the clock at `at`. */
  set(at: Date | string | number): void {
    const ms = new Date(at).getTime();
    if (!Number.isFinite(ms)) throw new RangeError(`not a date: ${String(at)}`);
    this.fixed = ms;
    for (const l of this.jumpListeners) l();
  }

  /** Called after set() and useRealTime(): jumps, unlike advance(), are not time that passed. */
  onJump(listener: () => void): void {
    this.jumpListeners.push(listener);
  }

  /** Moves the clock forward (freezing it first if it was running in real time). */
  advance(ms: number): void {
    this.fixed = this.nowMs() + ms;
  }

  /** Back to the clock source (real time unless a source was given). */
  useRealTime(): void {
    this.fixed = undefined;
    for (const l of this.jumpListeners) l();
  }

  get frozen(): boolean {
    return this.fixed !== undefined;
  }
}

export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (UTC) of a time. */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export function dayString(dayNum: number): string {
  return new Date(dayNum * DAY_MS).toISOString().slice(0, 10);
}

/** Parses YYYY-MM-DD strictly into a day number, or undefined. */
export function parseDay(day: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== day) return undefined;
  return ms / DAY_MS;
}
