// The console of `npm start`: the start-up banner again on demand, so that it need not be scrolled back to.
// "b" + Enter typed in the terminal (when stdin is one), or SIGUSR2 (`kill -USR2 <pid>`, also for a bot run in
// the background). Nothing else is read from stdin; Ctrl-C still stops the bot.
import { createInterface } from 'node:readline';

/** Calls `show` on request; returns a function that stops listening. */
export function onBannerRequest(show: () => void, o: { input?: NodeJS.ReadableStream & { isTTY?: boolean } } = {}): () => void {
  const input = o.input ?? process.stdin;
  const onSignal = () => show();
  process.on('SIGUSR2', onSignal);
  const rl = input.isTTY ? createInterface({ input, terminal: false }) : undefined;
  rl?.on('line', (line) => {
    if (line.trim().toLowerCase() === 'b') show();
  });
  return () => {
    process.off('SIGUSR2', onSignal);
    rl?.close();
  };
}
