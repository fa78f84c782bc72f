// Code blocks of README.md, read from it so that the tests compile and run exactly what the
// README shows: "A training step in code" and the Node example of "Using the package".
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The first ```lang block after `marker` in README.md, as written. */
export function readmeBlock(marker: string, lang: 'ts' | 'js'): string {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const at = readme.indexOf(marker);
  const block = at < 0 ? null : new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(readme.slice(at));
  if (!block) throw new Error(`README.md has no \`\`\`${lang} block after '${marker}'`);
  return block[1]!;
}

/** The Node example of "Using the package" (a whole ES module). */
export const readmeNodeExample = () => readmeBlock('## Using the package', 'js');

/**
 * "A training step in code" as a module: its imports, then `pixels` and `labels` (one batch of
 * the shapes it compiles for: 128 images of 28×28, labels 0..9), then its code, exporting the
 * loss it reads.
 */
export function readmeExampleModule(): string {
  const lines = readmeBlock('A training step in code:', 'ts').split('\n');
  const isImport = (line: string) => line.startsWith('import ');
  return [
    ...lines.filter(isImport),
    'const pixels = Float32Array.from({ length: 128 * 28 * 28 }, (_, i) => ((i * 7919) % 256) / 255);',
    'const labels = Uint32Array.from({ length: 128 }, (_, i) => i % 10);',
    ...lines.filter((line) => !isImport(line)),
    'export { loss };',
  ].join('\n');
}
