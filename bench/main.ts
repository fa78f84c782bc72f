// `npm run bench`: gradwgsl against TensorFlow.js's WebGPU backend on the same Dawn adapter in
// the same process. Progress goes to stderr; the table and one JSON line go to stdout.
import { parseOptions, USAGE } from './options.js';
import { table, writeReport } from './report.js';
import { runBench, runChild } from './run.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const opts = parseOptions(argv);
  if (opts.child) return runChild(opts.child, opts);
  const report = await runBench(opts, (s) => console.error(s), process.argv[1]);
  console.log(`\nadapter: ${report.adapters.gradwgsl.description} (both engines); source ${report.commit ?? 'unknown'}`);
  console.log(`load average at start ${report.loadavg.start.join(', ')}, at end ${report.loadavg.end.join(', ')}\n`);
  console.log(table(report));
  console.log(`\n${JSON.stringify(report)}`);
  if (opts.write) console.error(`results written to ${writeReport(report, opts.resultsDir)}`);
}

// Dawn's instance sits on globalThis.navigator for tfjs, so the process must be ended by hand.
main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
