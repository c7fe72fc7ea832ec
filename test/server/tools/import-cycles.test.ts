// The lint step's cycle check: a cycle through a type-only import or a
// .svelte file's script counts; a tree without one passes.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../../support/config.ts';
import { findCycles } from '../../tools/import-cycles.ts';

function tree(files: Record<string, string>): string {
  const root = tempDir('vigie-cycles-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

it('finds a cycle made by a type-only import', () => {
  const root = tree({
    'a.ts': "import { b } from './b.ts';\nexport type A = string;\nb();\n",
    'b.ts': "import type { A } from './a.ts';\nexport function b(): A { return ''; }\n",
    'c.ts': "import { b } from './b.ts';\nb();\n",
  });
  expect(findCycles([root])).toEqual([[path.join(root, 'a.ts'), path.join(root, 'b.ts')]]);
});

it("follows a .svelte file's script and a sub-folder", () => {
  const root = tree({
    'View.svelte':
      '<script lang="ts">\n  import { open } from \'./lib/state.ts\';\n</script>\n<button onclick={open}>x</button>\n',
    'lib/state.ts': "import View from '../View.svelte';\nexport const open = () => View;\n",
  });
  expect(findCycles([root])).toEqual([[path.join(root, 'View.svelte'), path.join(root, 'lib/state.ts')]]);
});

it('passes a tree without a cycle', () => {
  const root = tree({
    'a.ts': "import { b } from './b.ts';\nimport fs from 'node:fs';\nb(fs);\n",
    'b.ts': 'export function b(_: unknown) {}\n',
  });
  expect(findCycles([root])).toEqual([]);
});
