// Numeric command-line options, checked when commander parses them: a bad value stops the command
// before any work, with commander's message naming the option and the value, plus the allowed
// range from here ("option '--seed <n>' argument '-1' is invalid. Expected an integer in [0, 1073741824].").
import { InvalidArgumentError } from 'commander';
import { MAX_SEED } from 'gradwgsl/experiments';

function parseNumber(value: string): number {
  return value.trim() === '' ? NaN : Number(value);
}

/** An integer in [min, max]. */
export function integerIn(min: number, max: number) {
  return (value: string): number => {
    const n = parseNumber(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`Expected an integer in [${min}, ${max}].`);
    return n;
  };
}

/** A finite number above `min` (or at it, when `inclusive`), and below `max` (or at it, when `maxInclusive`). */
export function numberIn(min: number, max: number, { inclusive = true, maxInclusive = true } = {}) {
  const range = `${inclusive ? '[' : '('}${min}, ${max}${maxInclusive ? ']' : ')'}`;
  return (value: string): number => {
    const n = parseNumber(value);
    const ok = Number.isFinite(n) && (inclusive ? n >= min : n > min) && (maxInclusive ? n <= max : n < max);
    if (!ok) throw new InvalidArgumentError(`Expected a number in ${range}.`);
    return n;
  };
}

/** Seeds for initialisation and data order; models derive several 32-bit seeds from one. */
export const seedOption = integerIn(0, MAX_SEED);
/** Learning rates: positive; above 10 no optimizer here trains. */
export const learningRate = numberIn(0, 10, { inclusive: false });
/** Heavy-ball momentum, [0, 1). */
export const momentumOption = numberIn(0, 1, { maxInclusive: false });
/** Epochs, steps and batch sizes: positive counts with a generous ceiling. */
export const positiveCount = integerIn(1, 1_000_000);
