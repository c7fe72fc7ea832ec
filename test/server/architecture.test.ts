// The joints the modules rely on (docs/architecture.md): route files build on
// their module's services only, and never open a transaction or write the
// audit trail themselves; nothing but the entry points imports the
// composition root.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER = path.resolve(import.meta.dirname, '../../server');
const ENTRY_POINTS = new Set(['app.ts', 'cli/context.ts']);

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : /\.(ts|mts)$/.test(e.name) ? [full] : [];
  });
}

const files = filesUnder(SERVER).map((file) => ({
  rel: path.relative(SERVER, file),
  text: fs.readFileSync(file, 'utf8'),
}));
const routeFiles = files.filter((f) => /\.routes\.ts$/.test(f.rel) || f.rel.endsWith('ingest-http.ts'));

describe('module joints', () => {
  it('finds the route files it checks', () => {
    expect(routeFiles.length).toBeGreaterThanOrEqual(10);
  });

  it('no file but the entry points imports server/services.ts', () => {
    const importers = files
      .filter((f) => /from\s+'[./]*(\.\.\/)*services\.ts'/.test(f.text) && f.rel !== 'services.ts')
      .map((f) => f.rel);
    expect(importers.filter((rel) => !ENTRY_POINTS.has(rel))).toEqual([]);
  });

  it('no route file opens a transaction or writes an audit entry', () => {
    const offenders = routeFiles.flatMap((f) =>
      [/\.transaction\(\)/, /\binTransaction\(/, /\baudit\.record(Many)?\(/, /\bafterCommit\(/]
        .filter((re) => re.test(f.text))
        .map((re) => `${f.rel}: ${re}`),
    );
    expect(offenders).toEqual([]);
  });

  it('no route file disconnects sockets or publishes by itself: the services queue that after their commit', () => {
    const offenders = routeFiles
      .filter((f) => /\.disconnect\(|\.rejoin|realtime\.publish|\.publish\(/.test(f.text))
      .map((f) => f.rel);
    expect(offenders).toEqual([]);
  });

  it('the audit trail imports nothing from the modules above it', () => {
    const above = /from\s+'\.\.\/((auth|alerts|detection|directory|ingest)\/|http\/auth\.ts)/;
    const offenders = files
      .filter(
        (f) =>
          f.rel.startsWith('audit/') &&
          !f.rel.endsWith('.routes.ts') &&
          !f.rel.endsWith('.cli.ts') &&
          above.test(f.text),
      )
      .map((f) => f.rel);
    expect(offenders).toEqual([]);
  });

  it('every domain module has a factory create<Name>Module', () => {
    for (const name of ['audit', 'auth', 'alerts', 'detection', 'directory', 'ingest']) {
      const file = files.find((f) => f.rel === `${name}/${name}.module.ts`);
      expect(file?.text, name).toMatch(
        new RegExp(`export function create${name[0]!.toUpperCase()}${name.slice(1)}Module\\(`),
      );
    }
  });
});
