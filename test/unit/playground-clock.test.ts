// The playground clock: real time plus an offset that only grows; listeners hear every jump.
import { describe, expect, it } from 'vitest';
import { ClockError, createPlaygroundClock } from '../../src/playground/clock.ts';

describe('PlaygroundClock', () => {
  it('follows the injected real clock plus its offset', () => {
    let real = 1_000_000;
    const c = createPlaygroundClock({ realNow: () => real });
    expect(c.now()).toBe(1_000_000);
    real += 500;
    expect(c.now()).toBe(1_000_500);
    expect(c.advance(3_600_000)).toBe(4_600_500);
    expect(c.now()).toBe(4_600_500);
    expect(c.offset()).toBe(3_600_000);
    const now = c.now;
    expect(now()).toBe(4_600_500); // `now` works detached, as main passes it around
  });

  it('jumps to a date, never backwards', () => {
    const c = createPlaygroundClock({ realNow: () => 1_000 });
    expect(c.jumpTo(86_401_000)).toBe(86_401_000);
    expect(c.now()).toBe(86_401_000);
    expect(() => c.jumpTo(5_000)).toThrow(ClockError);
    expect(() => c.advance(-1)).toThrow(ClockError);
    expect(() => c.advance(Number.NaN)).toThrow(ClockError);
    expect(c.now()).toBe(86_401_000);
  });

  it('goes back to real time on reset (重置演示数据) without calling the jump listeners', () => {
    const c = createPlaygroundClock({ realNow: () => 1_000 });
    const heard: unknown[] = [];
    c.onChange((x) => heard.push(x));
    c.advance(86_400_000);
    c.reset();
    expect(c.now()).toBe(1_000);
    expect(c.offset()).toBe(0);
    expect(heard).toHaveLength(1);
  });

  it('tells every listener about each jump, until it unsubscribes; a failing listener does not stop the others', () => {
    const c = createPlaygroundClock({ realNow: () => 0 });
    const heard: Array<[string, number, number]> = [];
    c.onChange(() => {
      throw new Error('broken listener');
    });
    const off = c.onChange(({ from, to }) => heard.push(['a', from, to]));
    c.onChange(({ from, to }) => heard.push(['b', from, to]));
    c.advance(10);
    off();
    c.jumpTo(25);
    c.advance(0); // not a change
    expect(heard).toEqual([
      ['a', 0, 10],
      ['b', 0, 10],
      ['b', 10, 25],
    ]);
  });
});
