import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

const SERVER = 'http://127.0.0.1:3000';

export default defineConfig({
  root: path.join(ROOT, 'client'),
  publicDir: 'public',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: path.join(ROOT, 'dist/client'),
    emptyOutDir: true,
    sourcemap: true,
    // One CSS file, no inline modulepreload polyfill: the CSP forbids inline script.
    modulePreload: { polyfill: false },
    // Svelte's compiler is most of a build's time by nature; rolldown's note saying
    // so would only clutter `npm start`'s first output.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: SERVER },
      '/healthz': { target: SERVER },
      '/readyz': { target: SERVER },
      '/socket.io': { target: SERVER, ws: true },
    },
  },
  test: {
    root: ROOT,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          root: ROOT,
          environment: 'node',
          include: ['test/server/**/*.test.ts'],
          setupFiles: ['test/support/setup-server.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'client',
          root: ROOT,
          environment: 'jsdom',
          include: ['test/client/**/*.test.ts'],
          setupFiles: ['test/support/setup-client.ts'],
        },
        resolve: { conditions: ['browser'] },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          root: ROOT,
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
