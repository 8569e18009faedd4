/**
 * Wall-clock timestamps with microseconds (Postgres keeps them) that never repeat or go backwards
 * within this process. Step transitions are stamped here rather than with the database's now(),
 * because several of them are written in one statement: the next step's start must still sort
 * strictly after the previous step's end.
 */
export class MonotonicClock {
  private lastMicros = 0;

  constructor(private readonly nowMicros: () => number = () => Math.floor((performance.timeOrigin + performance.now()) * 1000)) {}

  /** ISO-8601 UTC with six fractional digits, e.g. 2026-11-27T18:40:01.123456Z. */
  now(): string {
    this.lastMicros = Math.max(this.nowMicros(), this.lastMicros + 1);
    const millis = Math.floor(this.lastMicros / 1000);
    const micros = String(this.lastMicros % 1000).padStart(3, '0');
    return `${new Date(millis).toISOString().slice(0, -1)}${micros}Z`;
  }
}
