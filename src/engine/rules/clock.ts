/** Time as the engine sees it: injectable so unit tests can drive timeouts without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Calls `fn` after `ms`; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  setTimer(ms, fn) {
    // Timers beyond ~24.8 days overflow setTimeout; reset times are hours away at most.
    const timer = setTimeout(fn, Math.min(ms, 2 ** 31 - 1));
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};
