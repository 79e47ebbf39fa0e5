import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // better-sqlite3 is a native addon; forked processes load it more reliably than worker threads.
    pool: 'forks',
    setupFiles: ['test/setup.ts'],
  },
});
