// The playground's clock: real time plus an offset that only grows. The page jumps it forward (+1 hour,
// +1 day, to a date) to try deadlines and nudges without waiting. main hands `now` to the fake Open
// Platform, the edge and the bot; features that schedule work subscribe with `onChange`.

export interface ClockChange {
  /** The clock's reading just before the jump. */
  from: number;
  /** The clock's reading just after the jump. */
  to: number;
}

export interface PlaygroundClock {
  /** Current fake time in ms since the epoch. Bound: safe to pass around as `now`. */
  readonly now: () => number;
  /** Moves the clock forward by `ms` (≥ 0); returns the new reading. */
  advance(ms: number): number;
  /** Moves the clock forward to `at` (ms since the epoch); refuses to go back. Returns the new reading. */
  jumpTo(at: number): number;
  /** How far ahead of real time the clock is, in ms. */
  offset(): number;
  /** Called after every jump; returns a function that removes the listener. */
  onChange(listener: (c: ClockChange) => void): () => void;
  /**
   * Back to real time (重置演示数据, once the data the fake time produced is gone). Not a jump: no listener is
   * called, nothing planned in between is replayed.
   */
  reset(): void;
}

export class ClockError extends Error {}

export function createPlaygroundClock(o: { realNow?: () => number; offsetMs?: number } = {}): PlaygroundClock {
  const realNow = o.realNow ?? Date.now;
  let offset = o.offsetMs ?? 0;
  const listeners = new Set<(c: ClockChange) => void>();
  const now = () => realNow() + offset;

  const move = (delta: number): number => {
    if (!Number.isFinite(delta) || delta < 0) throw new ClockError('the playground clock only moves forward');
    const from = now();
    offset += delta;
    const to = from + delta;
    if (delta > 0) {
      for (const l of [...listeners]) {
        try {
          l({ from, to });
        } catch {
          // A failing listener must not stop the others nor the jump itself.
        }
      }
    }
    return to;
  };

  return {
    now,
    advance: (ms) => move(ms),
    jumpTo(at) {
      if (!Number.isFinite(at)) throw new ClockError('not a time');
      const cur = now();
      if (at < cur) throw new ClockError('the playground clock only moves forward');
      return move(at - cur);
    },
    offset: () => offset,
    reset() {
      offset = 0;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
