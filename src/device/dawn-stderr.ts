// Dawn (npm `webgpu`) prints a warning for each limit it clamps while it enumerates adapters,
// straight to file descriptor 2 (fprintf): with Mesa's lavapipe, which reports a million dynamic
// buffers, "maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 ..."
// and the same for storage buffers, on every run. No API, toggle or requested limit turns it off.
// Enumeration runs synchronously inside requestAdapter(), so for that one call fd 2 points at a
// temporary file; afterwards every line written there goes on to the real stderr, except those.

const CLAMP_WARNING = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced/;

/** The few node:fs and node:os calls used here, declared so the engine names no Node module. */
interface Fs {
  fstatSync(fd: number): unknown;
  openSync(path: string, flags: string): number;
  closeSync(fd: number): void;
  readFileSync(path: string, encoding: 'utf8'): string;
  rmSync(path: string, options: { force: boolean }): void;
}
interface Os {
  tmpdir(): string;
}

/**
 * Runs `call` (synchronous) with Dawn's limit-clamping warnings dropped from stderr. Linux only
 * (it reopens stderr through /proc); elsewhere, or when stderr cannot be reopened (a socket),
 * `call` runs as is.
 */
export function withoutClampWarnings<T>(call: () => T): T {
  const node = typeof process === 'undefined' ? undefined : process;
  if (node?.platform !== 'linux') return call();
  // getBuiltinModule, not an import: this file is bundled for browsers too.
  const fs = node.getBuiltinModule?.('node:fs') as Fs | undefined;
  const os = node.getBuiltinModule?.('node:os') as Os | undefined;
  if (!fs || !os) return call();
  let saved: number;
  try {
    // open() takes the lowest free descriptor: with 0 and 1 open, the next one after closing 2 is 2.
    fs.fstatSync(0);
    fs.fstatSync(1);
    saved = fs.openSync('/proc/self/fd/2', 'a');
  } catch {
    return call();
  }
  const restore = () => {
    fs.openSync(`/proc/self/fd/${saved}`, 'a'); // takes fd 2 again: the original stderr
    fs.closeSync(saved);
  };
  const file = `${os.tmpdir()}/gradwgsl-dawn-${process.pid}.log`;
  fs.closeSync(2);
  let capture: number;
  try {
    capture = fs.openSync(file, 'w+'); // fd 2
  } catch {
    restore();
    return call();
  }
  try {
    return call();
  } finally {
    fs.closeSync(capture);
    restore();
    const text = fs.readFileSync(file, 'utf8');
    fs.rmSync(file, { force: true });
    const kept = text.split('\n').filter((line) => line && !CLAMP_WARNING.test(line));
    if (kept.length) process.stderr.write(`${kept.join('\n')}\n`);
  }
}
