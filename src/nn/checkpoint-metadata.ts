// A checkpoint's string metadata read back with every field checked: a damaged or hand-edited
// file fails naming the file, the field, what it holds and what was expected, instead of a
// SyntaxError from JSON.parse or a NaN carried into training.
import { fail } from '../device/errors.js';

export class CheckpointMetadata {
  constructor(
    private readonly fields: Record<string, string>,
    /** The checkpoint (a file's path) for messages. */
    private readonly name: string,
  ) {}

  private bad(key: string, expected: string): never {
    return fail(`resume: checkpoint '${this.name}': metadata field '${key}' is ${JSON.stringify(this.fields[key])}, expected ${expected}; the file is damaged or was not written by gradwgsl. Start fresh (without --resume) or use another checkpoint`);
  }

  text(key: string): string {
    const v = this.fields[key];
    return v === undefined ? fail(`resume: checkpoint '${this.name}' has no metadata field '${key}'; it was not written by gradwgsl's trainer. Start fresh (without --resume) or use another checkpoint`) : v;
  }

  /** A decimal integer ≥ min (no sign, no exponent, no fraction). */
  integer(key: string, min: number): number {
    const text = this.text(key);
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    return Number.isSafeInteger(n) && n >= min ? n : this.bad(key, `an integer >= ${min}`);
  }

  /** The training position {"epoch":E,"batch":B}, B at most the steps of one epoch. */
  position(perEpoch: number): { epoch: number; batch: number } {
    const text = this.text('position');
    const expected = `JSON like {"epoch":1,"batch":0} with integers epoch >= 0 and batch in [0, ${perEpoch}]`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.bad('position', expected);
    }
    const { epoch, batch } = (value ?? {}) as { epoch?: unknown; batch?: unknown };
    const ok = typeof value === 'object' && Number.isSafeInteger(epoch) && (epoch as number) >= 0 && Number.isSafeInteger(batch) && (batch as number) >= 0 && (batch as number) <= perEpoch;
    return ok ? { epoch: epoch as number, batch: batch as number } : this.bad('position', expected);
  }
}
