// The layering of src/ (see .dependency-cruiser.cjs), checked with dependency-cruiser on every
// test run, and a control that the rules catch what they are meant to catch.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cruise, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');

const line = (v: Pick<IViolation, 'rule' | 'from' | 'to'>) => `${v.rule.name}: ${v.from} -> ${v.to}`;

/** Every violation of the repository's rules in `root`/src, as `rule: from -> to` lines. */
async function violations(root: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(join(REPO, '.dependency-cruiser.cjs'));
  const tsConfig = join(root, 'tsconfig.json');
  const { output } = await cruise(
    ['src'],
    { ...options, baseDir: root, tsConfig: { fileName: tsConfig } },
    undefined,
    { tsConfig: extractTSConfig(tsConfig) },
  );
  if (typeof output === 'string') throw new Error('dependency-cruiser returned text, not a result');
  return output.summary.violations.map(line).sort();
}

describe('architecture of src/', () => {
  it('has no dependency cycles, no upward imports and no Node built-ins in the engine', async () => {
    const found = await violations(REPO);
    expect(found, `dependency-cruiser (npm run lint:deps) reports:\n${found.join('\n')}`).toEqual([]);
  });

  it('catches a fabricated cycle, upward imports (type-only too), an application import and a Node import', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gradwgsl-depcruise-'));
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true } }),
      // tensor -> graph is upward, and graph -> tensor closes a cycle.
      'src/tensor/a.ts': "import { b } from '../graph/b.js';\nexport const a = () => b;\n",
      'src/graph/b.ts': "import { a } from '../tensor/a.js';\nexport const b = () => a;\n",
      'src/tensor/t.ts': "import type { Shape } from '../graph/types.js';\nexport const t = (s: Shape) => s.x;\n",
      'src/graph/types.ts': 'export interface Shape { x: number }\n',
      'src/kernels/k.ts': "import { e } from '../experiments/e.js';\nexport const k = e;\n",
      'src/experiments/e.ts': 'export const e = 1;\n',
      'src/data/f.ts': "import { readFile } from 'node:fs/promises';\nexport const f = readFile;\n",
      // Naming a Node type counts too: a browser bundle of the engine must not need one.
      'src/device/types.ts': "type Fs = typeof import('node:fs');\nexport const fs = (f: Fs) => f;\n",
      // Allowed: src/node using Node and the engine below it.
      'src/node/n.ts': "import { readFile } from 'node:fs/promises';\nimport { k } from '../kernels/k.js';\nexport const n = [readFile, k];\n",
      // The engine entry reaching src/node; the CLI reaching past the public entries; a demo page using Node.
      'src/index.ts': "export { d } from './device/d.js';\n",
      'src/device/d.ts': "export { n as d } from '../node/n.js';\n",
      'src/cli/c.ts': "import { t } from '../tensor/t.js';\nexport const c = t;\n",
      'src/demos/page.ts': "import { readFile } from 'node:fs/promises';\nexport const p = readFile;\n",
    };
    try {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), text);
      }
      const found = await violations(root);
      expect(found.filter((l) => !l.startsWith('no-circular'))).toEqual([
        'apps-use-public-entries: src/cli/c.ts -> src/tensor/t.ts',
        'demo-pages-no-node-builtins: src/demos/page.ts -> fs/promises',
        'engine-entry-is-engine: src/index.ts -> fs/promises',
        'engine-entry-is-engine: src/index.ts -> src/experiments/e.ts',
        'engine-entry-is-engine: src/index.ts -> src/node/n.ts',
        'engine-not-node: src/data/f.ts -> fs/promises',
        'engine-not-node: src/device/types.ts -> fs',
        'layer-device: src/device/d.ts -> src/node/n.ts',
        'layer-kernels: src/kernels/k.ts -> src/experiments/e.ts',
        'layer-tensor: src/tensor/a.ts -> src/graph/b.ts',
        'layer-tensor: src/tensor/t.ts -> src/graph/types.ts',
      ]);
      // The cycle is reported once, from whichever of its two modules the cruise reached first.
      const cycle = found.filter((l) => l.startsWith('no-circular'));
      expect(cycle).toHaveLength(1);
      expect(['no-circular: src/graph/b.ts -> src/tensor/a.ts', 'no-circular: src/tensor/a.ts -> src/graph/b.ts']).toContain(cycle[0]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
