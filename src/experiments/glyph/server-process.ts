// The server step as a process of its own (spec T7): it is handed only a job file (the public
// model and schedule), the serialized upload {params, public key, relinearization key, Galois
// keys, ciphertexts} and a path for its answer, and opens its own GPU device. The client's
// dataset and secret key stay in the process that launched it.
//   node server-process.mjs <job.json> <upload.bin> <results.bin>
// (Run from a bundle: esbuild with WGSL as text. worker_threads cannot host it: Dawn aborts when
// a worker creates a device while the main thread holds one.)
import { readFile, writeFile } from 'node:fs/promises';
import { fail } from '../../device/errors.js';
import { init, shutdown } from '../../graph/runtime.js';
import { serverStep, type ServerModel, type ServerSchedule } from './server.js';

/** The public part of the server's input, as JSON. */
export interface ServerJob {
  model: ServerModel;
  schedule: ServerSchedule;
}

async function main(args: string[]): Promise<void> {
  if (args.length !== 3) fail(`server-process: expected <job.json> <upload.bin> <results.bin>, got ${args.length} arguments`);
  const [jobPath, uploadPath, resultsPath] = args as [string, string, string];
  const job = JSON.parse(await readFile(jobPath, 'utf8')) as ServerJob;
  // A fresh copy: deserialize views the payload as u32 words, so it must start 4-byte aligned.
  const upload = new Uint8Array(await readFile(uploadPath));
  await init();
  try {
    const { results } = await serverStep(upload, job.model, job.schedule);
    await writeFile(resultsPath, results);
  } finally {
    await shutdown();
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
