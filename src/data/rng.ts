// A small seeded CPU random generator for data work (shuffles, splits, label noise): the same
// (seed, stream) gives the same numbers on every machine. Math.random cannot be seeded.
import { fail } from '../device/errors.js';

/** The splitmix32 output function: a strong 32-bit mixer (Stafford's variant 13 constants). */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const GOLDEN = 0x9e3779b9;

/** splitmix32: a 32-bit counter stepped by the golden ratio, each value mixed. */
export class SeededRng {
  private state: number;

  /**
   * `stream` picks an independent sequence for the same seed (e.g. the epoch index), so
   * shuffles of different epochs differ but each one can be reproduced alone.
   */
  constructor(seed: number, stream = 0) {
    for (const [what, v] of [['seed', seed], ['stream', stream]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) fail(`SeededRng: ${what} ${v} must be an integer in [0, 2^32)`);
    }
    // Mixing both words first keeps nearby seeds and streams from giving shifted copies of one sequence.
    this.state = mix32(mix32(seed + GOLDEN) ^ mix32(stream + 2 * GOLDEN)) | 0;
  }

  /** A uniform integer in [0, 2^32). */
  nextU32(): number {
    this.state = (this.state + GOLDEN) | 0;
    return mix32(this.state);
  }

  /** A uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /** A uniform integer in [0, bound), without modulo bias (rejects the short top range). */
  below(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 0x100000000) fail(`SeededRng.below: bound ${bound} must be an integer in [1, 2^32]`);
    const limit = 4294967296 - (4294967296 % bound);
    let r = this.nextU32();
    while (r >= limit) r = this.nextU32();
    return r % bound;
  }
}
