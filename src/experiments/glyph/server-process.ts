// The server step as a process of its own (spec T7): it is handed only a job file (the public
// model and schedule), the serialized upload {params, public key, relinearization key, Galois
// keys, ciphertexts} and a path for its answer, and opens its own GPU device. The client's
// dataset and secret key stay in the process that launched it.
//   node server-process.mjs <job.json> <upload.bin> <results.bin>
// Exit status 0: results written; 2: refused, with one line on stderr saying what is wrong (a
// GradwgslError: bad input, or the GPU failing); 1: a fault of this program (with its stack). Every input is checked before the GPU
// device opens. (Run from a bundle: esbuild with WGSL as text. worker_threads cannot host it:
// Dawn aborts when a worker creates a device while the main thread holds one.)
import { readFile, writeFile } from 'node:fs/promises';
import { fail, GradwgslError } from '../../device/errors.js';
import { readBlob } from '../../fhe/bgv/serialize.js';
import { init, shutdown } from '../../graph/runtime.js';
import { checkServerInput, parseServerJob } from './server-io.js';
import { serverStep } from './server.js';

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    return fail(`cannot read the ${what} ${path}: ${reason(e)}`);
  }
}

async function main(args: string[]): Promise<void> {
  if (args.length !== 3) fail(`usage: server-process <job.json> <upload.bin> <results.bin>; got ${args.length} arguments`);
  const [jobPath, uploadPath, resultsPath] = args as [string, string, string];
  const job = parseServerJob(new TextDecoder().decode(await readInput(jobPath, 'job file')));
  const upload = readBlob(await readInput(uploadPath, 'upload'));
  checkServerInput(upload.header, job.model, job.schedule);
  await init();
  let results: Uint8Array;
  try {
    results = (await serverStep(upload, job.model, job.schedule)).results;
  } finally {
    await shutdown();
  }
  try {
    await writeFile(resultsPath, results);
  } catch (e) {
    fail(`cannot write the results to ${resultsPath}: ${reason(e)}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const bad = e instanceof GradwgslError;
  console.error(bad ? `server-process: ${e.message}` : e);
  process.exitCode = bad ? 2 : 1;
});
