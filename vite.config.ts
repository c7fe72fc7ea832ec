import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

const SERVER = 'http://127.0.0.1:3000';

/**
 * Fails a production build whose bundle holds a server module: the browser
 * takes only server/wire (types and constants) from the server. Type-only
 * imports leave no module, so this sees what really ships
 * (test/server/wire-boundary.test.ts checks the imports themselves).
 */
export function noServerModules(root: string): Plugin {
  const server = path.join(root, 'server') + path.sep;
  const wire = path.join(server, 'wire') + path.sep;
  return {
    name: 'vigie:no-server-modules',
    apply: 'build',
    generateBundle(_options, bundle) {
      const found = new Set<string>();
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue;
        for (const id of output.moduleIds) {
          const file = path.resolve(id.replace(/^\0/, '').split('?')[0]!);
          if (file.startsWith(server) && !file.startsWith(wire)) found.add(path.relative(root, file));
        }
      }
      if (found.size)
        this.error(
          `server modules in the client bundle (import them through server/wire): ${[...found].sort().join(', ')}`,
        );
    },
  };
}

export default defineConfig({
  root: path.join(ROOT, 'client'),
  publicDir: 'public',
  plugins: [svelte({ configFile: false }), noServerModules(ROOT)],
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
