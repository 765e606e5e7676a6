import { defineConfig } from 'vitest/config';

// The end-to-end suites run twice: over the webhook (with everything else) and over the long connection
// (FEISHU_TRANSPORT=websocket; test/support/harness.ts reads SHUZHI_TEST_TRANSPORT).
const OVER_BOTH_TRANSPORTS = [
  'test/integration/walkthrough-e2e.test.ts',
  'test/integration/publish-e2e.test.ts',
  'test/integration/activity-e2e.test.ts',
  'test/integration/nudge-e2e.test.ts',
  'test/integration/import-e2e.test.ts',
  'test/integration/repush-e2e.test.ts',
  'test/integration/chaos.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'webhook', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'websocket', include: OVER_BOTH_TRANSPORTS, env: { SHUZHI_TEST_TRANSPORT: 'websocket' } },
      },
    ],
  },
});
