import type { SchedulerClock } from '../../src/main/schedule/clock';

/** A clock the test sets by hand; its timers fire only when the test calls fire(). */
export class FakeClock implements SchedulerClock {
  private readonly timers = new Set<() => void>();

  constructor(private time: Date) {}

  now(): Date {
    return new Date(this.time);
  }

  /** Moves the clock, as a sleeping machine's clock jumps when it wakes. */
  set(time: Date): void {
    this.time = time;
  }

  every(_ms: number, tick: () => void): () => void {
    this.timers.add(tick);
    return () => this.timers.delete(tick);
  }

  /** Fires every running timer once; returns how many there were. */
  fire(): number {
    for (const tick of this.timers) tick();
    return this.timers.size;
  }
}
