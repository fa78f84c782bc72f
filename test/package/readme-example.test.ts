// README.md's "A training step in code" compiles under the repository's strict settings and
// runs: one training step of the MNIST MLP, whose loss comes back finite.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, readmeExampleModule } from './readme.js';

// Beside the sources (under node_modules/.cache, which git ignores) so that `gradwgsl` resolves
// as it does in the repository: tsconfig's paths for tsc, vitest's alias for the run.
mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/readme-example-'));
const file = join(dir, 'example.ts');
writeFileSync(file, readmeExampleModule());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README's training step", () => {
  it('type-checks with the strict compiler options of tsconfig.json', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const program = ts.createProgram([file, join(ROOT, 'src/shaders.d.ts')], { ...config.options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it('runs one step and reads back a finite loss', async () => {
    const { loss } = (await import(file)) as { loss: Float32Array };
    expect(loss).toHaveLength(1);
    // Ten classes from a fresh network: cross-entropy near ln 10.
    expect(loss[0]).toBeGreaterThan(1);
    expect(loss[0]).toBeLessThan(5);
  });
});
