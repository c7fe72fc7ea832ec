// The one door between the server and the browser: the client imports from
// server/wire only (types or values), and server/wire imports nothing but
// itself, so whatever the client takes from it can never pull server code in.
// Every import form counts: `import type`, re-exports, `import()` types and
// dynamic imports, in .ts files and in Svelte components' scripts.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLIENT = path.join(ROOT, 'client');
const SERVER = path.join(ROOT, 'server');
const WIRE = path.join(SERVER, 'wire');

const SOURCE = /\.(ts|mts|js|mjs|svelte)$/;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .flatMap((e) => (e.isFile() && SOURCE.test(e.name) ? [path.join(e.parentPath, e.name)] : []));
}

/** The code of a file as TypeScript sees it: a Svelte component's scripts (instance and module). */
function codeOf(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  if (!file.endsWith('.svelte')) return text;
  return [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

interface Import {
  file: string;
  specifier: string;
  /** The absolute path it points to; null for a package or a `node:` module. */
  target: string | null;
}

function importsOf(file: string): Import[] {
  return ts.preProcessFile(codeOf(file), true, true).importedFiles.map(({ fileName: specifier }) => ({
    file,
    specifier,
    target: specifier.startsWith('.') || specifier.startsWith('/') ? path.resolve(path.dirname(file), specifier) : null,
  }));
}

const inside = (dir: string, p: string) => p === dir || p.startsWith(dir + path.sep);
const shown = (i: Import) => `${path.relative(ROOT, i.file)} imports ${i.specifier}`;

describe('the wire boundary', () => {
  const clientImports = filesUnder(CLIENT).flatMap(importsOf);
  const wireFiles = filesUnder(WIRE);

  it('sees the imports it checks (the scan is not empty)', () => {
    expect(clientImports.length).toBeGreaterThan(100);
    expect(clientImports.some((i) => i.target !== null && inside(WIRE, i.target))).toBe(true);
    expect(wireFiles.map((f) => path.basename(f))).toContain('enums.ts');
  });

  it('the client imports from the server only through server/wire', () => {
    const outside = clientImports.filter(
      (i) => i.target !== null && inside(SERVER, i.target) && !inside(WIRE, i.target),
    );
    expect(outside.map(shown)).toEqual([]);
  });

  it('server/wire imports nothing but its own files (no package, no server module, not even as a type)', () => {
    const outside = wireFiles.flatMap(importsOf).filter((i) => i.target === null || !inside(WIRE, i.target));
    expect(outside.map(shown)).toEqual([]);
  });
});
