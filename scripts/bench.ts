// npm run bench: every benchmark prints its figures and its ratio against a baseline measured in the same run.
import { benchEdge } from './bench/edge.ts';
import { benchPublish } from './bench/publish.ts';
import { benchNudges } from './bench/nudges.ts';
import { benchTransport } from './bench/transport.ts';
import { benchWalkthrough } from './bench/walkthrough.ts';

const only = process.argv[2];
const benches: Record<string, () => Promise<void>> = {
  edge: benchEdge,
  publish: benchPublish,
  nudges: benchNudges,
  walkthrough: benchWalkthrough,
  transport: benchTransport,
};

for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  process.stdout.write(`\n=== ${name} ===\n`);
  await run();
}
process.exit(0);
