// The embedded MNIST split for the demo pages: mnist-digits.bin (built next to the pages)
// fetched and decoded once per page, then shared by every run, as loadMnist() is under Node.
import type { TrainTest } from 'gradwgsl';
import { decodeDigits } from '../digits-file.js';

let cached: Promise<TrainTest> | null = null;

export function loadDigits(): Promise<TrainTest> {
  cached ??= fetchDigits().catch((e: unknown) => {
    cached = null; // a later run may succeed (e.g. after the server comes back)
    throw e;
  });
  return cached;
}

async function fetchDigits(): Promise<TrainTest> {
  const response = await fetch('mnist-digits.bin');
  if (!response.ok) throw new Error(`mnist-digits.bin: HTTP ${response.status}; rebuild the demos with npm run build:demos`);
  return decodeDigits(new Uint8Array(await response.arrayBuffer()));
}
