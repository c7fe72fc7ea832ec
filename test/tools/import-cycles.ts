// Import cycles in server/ and client/, type-only imports included: a type
// import still ties two modules together (ESLint's import-x/no-cycle skips
// them). `npm run lint` runs this; it exits 1 on a cycle.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const SOURCE = /\.(ts|mts|mjs|js|svelte)$/;
const SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function specifiers(file: string): string[] {
  let text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.svelte')) text = [...text.matchAll(SCRIPT)].map((m) => m[1]).join('\n');
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

function resolve(from: string, spec: string, known: Set<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [base, `${base}.ts`, path.join(base, 'index.ts')].find((f) => known.has(f));
}

/** Each cycle as the files in it (a strongly connected component of the import graph), sorted. */
export function findCycles(roots: string[]): string[][] {
  const files = roots.flatMap((r) => sourceFiles(path.resolve(r)));
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const targets = specifiers(f).map((s) => resolve(f, s, known));
    edges.set(f, [...new Set(targets.filter((t): t is string => t !== undefined))]);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || edges.get(v)!.includes(v)) cycles.push(component.sort());
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const roots = process.argv.slice(2);
  const cycles = findCycles(roots);
  for (const c of cycles) console.error(`import cycle: ${c.map((f) => path.relative(process.cwd(), f)).join(' ↔ ')}`);
  if (cycles.length) process.exit(1);
  console.log(`no import cycle in ${roots.join(', ')}`);
}
