import { DayData, DayGenerator } from './generator';
import { SimEvent } from './event';

/**
 * Days generated on demand and kept in a small LRU cache: a year of data is never held in
 * memory, but the days a backfill or a realtime query is working on are generated once.
 */
export class DayStore {
  private readonly cache = new Map<number, DayData>();

  constructor(
    readonly generator: DayGenerator,
    private readonly capacity: number,
  ) {}

  get(dayNum: number): DayData {
    let day = this.cache.get(dayNum);
    if (day) {
      this.cache.delete(dayNum);
      this.cache.set(dayNum, day);
      return day;
    }
    day = this.generator.generate(dayNum);
    this.cache.set(dayNum, day);
    while (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as number);
    return day;
  }

  /** Finds an audit by id (the id encodes its day) among the days in [minDay, maxDay]. */
  find(id: string, minDay: number, maxDay: number): SimEvent | undefined {
    const dayNum = this.generator.ids.dayOf(id.toLowerCase());
    if (dayNum === undefined || dayNum < minDay || dayNum > maxDay) return undefined;
    return this.get(dayNum).byId.get(id.toLowerCase());
  }

  get cachedDays(): number[] {
    return [...this.cache.keys()];
  }
}
