/** Time as the scheduler sees it: injected, so tests can move it past due times and through sleeps. */
export interface SchedulerClock {
  now(): Date;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

/**
 * The machine's clock. A short interval rather than one long timer to the due time: timers do not
 * advance while the machine sleeps, and a wall-clock check each minute notices a missed slot at once.
 */
export const systemClock: SchedulerClock = {
  now: () => new Date(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    // The schedule never keeps the process alive on its own.
    timer.unref();
    return () => clearInterval(timer);
  },
};
