// Output paths of the CLI: checked before any work, and a finished result is never lost to a
// failed final write.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareOutputDir, prepareOutputFile, saveOutputs } from '../../src/cli/output-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gradwgsl-out-'));
const file = join(dir, 'a-file');
writeFileSync(file, 'x');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('output paths', () => {
  it('creates missing folders, and refuses paths through a file or onto a folder, naming the option', () => {
    prepareOutputFile('--out', join(dir, 'new', 'deeper', 'summary.json'));
    expect(statSync(join(dir, 'new', 'deeper')).isDirectory()).toBe(true);
    prepareOutputDir('--out', join(dir, 'runs', 'fp8'));
    expect(statSync(join(dir, 'runs', 'fp8')).isDirectory()).toBe(true);
    expect(() => prepareOutputFile('--checkpoint', join(file, 'ck.safetensors'))).toThrow(`--checkpoint ${join(file, 'ck.safetensors')}: cannot use that path (a part of that path is a file, not a folder); choose another`);
    expect(() => prepareOutputFile('--out', dir)).toThrow(`--out ${dir}: that is a folder; give a file name`);
    expect(() => prepareOutputDir('--out', file)).toThrow(`--out ${file}: cannot create or write that folder (a part of that path is a file, not a folder)`);
  });

  it('writes the files where asked', () => {
    const saved = saveOutputs(join(dir, 'ok'), { 'result.json': '{"a":1}', 'plot.svg': '<svg/>' });
    expect(saved).toEqual({ dir: join(dir, 'ok') });
    expect(readFileSync(join(dir, 'ok', 'result.json'), 'utf8')).toBe('{"a":1}');
  });

  it('keeps a finished result in a temporary folder when the final write fails, and says why', () => {
    // The folder became unusable while the run was going: a file now stands where it should be.
    const gone = join(file, 'runs');
    const saved = saveOutputs(gone, { 'result.json': '{"a":1}', 'plot.svg': '<svg/>' });
    expect(saved.failure).toBe(`cannot write into ${gone} (a part of that path is a file, not a folder)`);
    expect(saved.dir.startsWith(tmpdir())).toBe(true);
    expect(readFileSync(join(saved.dir, 'result.json'), 'utf8')).toBe('{"a":1}');
    expect(readFileSync(join(saved.dir, 'plot.svg'), 'utf8')).toBe('<svg/>');
    rmSync(saved.dir, { recursive: true });
  });
});
