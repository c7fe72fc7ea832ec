// Starts Vigie (server/serve.ts): `node --import tsx server/main.ts`, the
// command a supervisor runs (npm start is for a terminal: npm does not pass
// SIGTERM on and wait). `--no-build` skips the console build check.
import { serve } from './serve.ts';

serve({ build: !process.argv.includes('--no-build') }).catch((error) => {
  process.stderr.write(
    `vigie: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
