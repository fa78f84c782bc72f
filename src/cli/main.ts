// The gradwgsl command line: info, train, reproduce, merge, bench, profile.
import { Command } from 'commander';
import { GradwgslError, adapterInfo, init, shutdown } from 'gradwgsl';
import { cacheKernelReflections } from 'gradwgsl/node';
import { formatInfo } from './info.js';
import { registerMerge } from './merge.js';
import { registerProfile } from './profile.js';
import { registerReproduce } from './reproduce.js';
import { registerTrain } from './train.js';

const program = new Command()
  .name('gradwgsl')
  .description('Train neural networks on WebGPU and reproduce seven training papers.')
  .showHelpAfterError();

program
  .command('info')
  .description('print the WebGPU adapter, its optional features and limits')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const info = adapterInfo((await init()).gpu);
    console.log(opts.json ? JSON.stringify(info) : formatInfo(info));
  });

registerTrain(program);
registerProfile(program);
registerReproduce(program);
registerMerge(program);

// A new process reflects each kernel's WGSL again unless the last one left it here (time to first step).
cacheKernelReflections();

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof GradwgslError) {
    console.error(`gradwgsl: ${e.message}`);
    process.exitCode = 1;
  } else {
    throw e;
  }
} finally {
  await shutdown();
}
