// Preloaded into each bot process of a chaos run (NODE_OPTIONS=--import=…/clock.mjs, before src/main.ts loads):
// the process's Date is real time plus a shift in milliseconds read from the file SHUZHI_CLOCK_FILE, and it
// follows the file when the run moves the clock forward — so that 09:00 nudges and the next day's summary fall
// inside a run of minutes, for the bots, BullMQ's delays (computed from Date.now()) and the fake alike. Timers and
// performance.now() keep real time. Without SHUZHI_CLOCK_FILE nothing changes.
import { readFileSync, watchFile } from 'node:fs';

const file = process.env.SHUZHI_CLOCK_FILE;
if (file) {
  const read = () => {
    try {
      const n = Number(readFileSync(file, 'utf8').trim());
      return Number.isFinite(n) ? n : 0;
    } catch {
      return 0;
    }
  };
  let shift = read();
  watchFile(file, { interval: 50, persistent: false }, () => {
    shift = read();
  });
  const Real = Date;
  /** `new Date()` and `Date.now()` are shifted; `new Date(x)` is not; `Date()` (a string) is. */
  function ShiftedDate(...args) {
    if (!new.target) return new Real(Real.now() + shift).toString();
    return args.length === 0 ? new Real(Real.now() + shift) : new Real(...args);
  }
  Object.setPrototypeOf(ShiftedDate, Real);
  ShiftedDate.prototype = Real.prototype;
  ShiftedDate.now = () => Real.now() + shift;
  globalThis.Date = ShiftedDate;
}
