// A table of codes that TypeScript and WGSL share (which op a kernel runs, which activation,
// which rounding mode), written once. TypeScript numbers the names in order and hands the shader
// `const` declarations, e.g. `const OP_ADD: u32 = 0u;`, concatenated before its source; the shader
// names every case (`case OP_ADD: { ... }`) and no number is written twice. A name the shader
// never mentions fails when the kernel module loads, and a `switch` over a code ends in a
// `default` that returns NaN (poison below), so no code can silently run another case.
import { fail } from './errors.js';

/** WGSL for the `default` of a switch over a code: NaN, which no correct case produces here. */
export const POISON_WGSL = `
fn poison() -> f32 {
  let quiet_nan = 0x7fc00000u;
  return bitcast<f32>(quiet_nan);
}
`;

/** WGSL for `name` under `prefix`: camelCase becomes SNAKE_CASE, e.g. OP + reluGrad = OP_RELU_GRAD. */
function constantName(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/**
 * `const PREFIX_NAME: u32 = value;` for every entry: numbers TypeScript owns (a buffer layout,
 * a block size) handed to a shader that is concatenated after them.
 */
export function wgslConstants(prefix: string, values: Readonly<Record<string, number>>): string {
  return Object.entries(values)
    .map(([name, v]) => {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) fail(`wgslConstants: ${name} = ${v} is not a u32`);
      return `const ${constantName(prefix, name)}: u32 = ${v}u;`;
    })
    .join('\n');
}

export class CodeTable<K extends string> {
  /** The code of each name: its index in `names`. */
  readonly code: Readonly<Record<K, number>>;
  /** `const PREFIX_NAME: u32 = i;` for every name. */
  readonly wgsl: string;

  constructor(
    /** Prefix of the WGSL constants, e.g. `OP` gives OP_ADD. */
    readonly prefix: string,
    readonly names: readonly K[],
  ) {
    if (new Set(names).size !== names.length) fail(`code table ${prefix}: names repeat in [${names.join(', ')}]`);
    this.code = Object.fromEntries(names.map((n, i) => [n, i])) as Record<K, number>;
    this.wgsl = wgslConstants(prefix, this.code);
  }

  /** The WGSL constant for `name`, e.g. OP_RELU_GRAD for reluGrad. */
  constant(name: K): string {
    return constantName(this.prefix, name);
  }

  has(name: string): name is K {
    return Object.hasOwn(this.code, name);
  }

  /**
   * The table's declarations followed by `parts`, for `new Kernel({ source })`. Fails if some
   * name is never mentioned in `parts`: the shader would have no case for that code.
   */
  withSource(where: string, ...parts: string[]): string[] {
    const text = parts.join('\n');
    const missing = this.names.filter((n) => !new RegExp(`\\b${this.constant(n)}\\b`).test(text));
    if (missing.length) {
      fail(`${where}: the shader never names ${missing.map((n) => this.constant(n)).join(', ')}; add a case for each code in the table`);
    }
    return [this.wgsl, ...parts];
  }
}
