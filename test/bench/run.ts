// `npm run bench [-- <name> [options]]`: runs one benchmark, or all, and prints tables.
// A benchmark is test/bench/<name>.bench.ts exporting `run(args: string[]): Promise<void>`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const available = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === '--help' || name === '-h') {
  console.log(`usage: npm run bench [-- <name> [options]]\nbenchmarks: ${available.join(', ') || '(none yet)'}`);
  process.exit(0);
}
const chosen = name ? [name] : available;
for (const n of chosen) {
  if (!available.includes(n)) {
    console.error(`unknown benchmark "${n}"; available: ${available.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n## ${n}\n`);
  const mod = (await import(path.join(dir, `${n}.bench.ts`))) as { run(args: string[]): Promise<void> };
  await mod.run(name ? args : []);
}
