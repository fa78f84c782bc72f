// Node: `node train.mjs` prints {"losses": [...]} as its last line.
import { shutdown } from 'gradwgsl';
import { trainSteps } from './steps.mjs';

const losses = await trainSteps(10);
await shutdown();
console.log(JSON.stringify({ losses }));
