import { defineConfig } from 'vitest/config';

// One config for the whole monorepo. `npm test` is the fast inner loop; `npm run test:full`
// (scripts/test-full.sh) runs the same suite with PostgreSQL and Redis started and
// TEST_REQUIRE_SERVICES=1, so suites that need a service fail instead of skipping.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Separate processes: native modules (PGlite, onnxruntime) and servers bound to ports
    // behave better in forks than in worker threads.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    watch: false,
  },
});
