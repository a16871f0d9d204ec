import { defineConfig } from 'vitest/config';

// One config runs every package's tests: unit tests beside the code (src/**/*.test.ts) and
// cross-package or real-component suites in each package's test/ folder.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
});
