// `npm run dev`: the server restarting on change (port 3000) and Vite's dev
// server with hot reload (port 5173) proxying /api and /socket.io to it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = spawn(
  process.execPath,
  ['--import', 'tsx', '--watch', '--watch-preserve-output', 'server/main.ts', '--no-build'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

// The browser's Origin is the Vite port; the server expects its public origin.
const vite = await createServer({
  root: path.join(root, 'client'),
  configFile: path.join(root, 'vite.config.ts'),
  server: {
    proxy: Object.fromEntries(
      ['/api', '/healthz', '/readyz', '/socket.io'].map((p) => [
        p,
        {
          target: 'http://127.0.0.1:3000',
          ws: p === '/socket.io',
          configure: (proxy: {
            on(event: string, fn: (req: { setHeader(k: string, v: string): void }) => void): void;
          }) => {
            proxy.on('proxyReq', (req) => req.setHeader('origin', 'http://localhost:3000'));
            proxy.on('proxyReqWs', (req) => req.setHeader('origin', 'http://localhost:3000'));
          },
        },
      ]),
    ),
  },
});
await vite.listen();
vite.printUrls();

const stop = async () => {
  server.kill('SIGTERM');
  await vite.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
