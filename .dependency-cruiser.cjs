// The architecture of src/, checked by dependency-cruiser (`npm run lint:deps`, and
// test/architecture/dependencies.test.ts in every test run).
//
// The engine is a stack of layers; a module may import its own layer and the layers before it
// in ENGINE, never one after it (type-only imports count too):
//
//   device      the GPU: adapters, buffers, WGSL kernels (reflection, pipelines), dispatches
//   tensor      Tensor, ops as definitions (OpDef), leaves from CPU data
//   data        CPU-side datasets: batching, shuffling, parsers (needs only shapes)
//   formats     src/precision/*.ts: number formats and their float64 references (CPU only;
//               the FP8 kernels build on them)
//   graph       the runtime (eager executor), autograd, compile() and plans
//   kernels     the op library: every op's WGSL lowering and gradient
//   optim       optimizers
//   nn          modules, layers, the trainer (uses optim's Optimizer, data's batches)
//   training    src/precision/training: FP8 training built from nn and optim
//   profile     profiling a runtime or a trainer
//
// Above the engine: src/node (the Node-only parts: files on disk), then the applications
// (src/experiments, src/fhe, src/cli, src/demos) and the public entry src/index.ts, which may
// import anything below them. No engine layer imports an application or a Node built-in, so
// the engine runs in a browser as it is.

const ENGINE = [
  ['device', '^src/device/'],
  ['tensor', '^src/tensor/'],
  ['data', '^src/data/'],
  ['formats', '^src/precision/[^/]+$'],
  ['graph', '^src/graph/'],
  ['kernels', '^src/kernels/'],
  ['optim', '^src/optim/'],
  ['nn', '^src/nn/'],
  ['training', '^src/precision/training/'],
  ['profile', '^src/profile/'],
];
const ENGINE_PATHS = ENGINE.map(([, path]) => path);
// Node's built-in modules as dependency-cruiser names them (`fs`, not `node:fs`), for the
// reachability rules, which cannot select by dependency type.
const NODE_BUILTINS = `^(${require('node:module').builtinModules.filter((m) => !m.startsWith('_')).join('|')})$`;
const APPLICATIONS = ['^src/experiments/', '^src/fhe/', '^src/cli/', '^src/demos/'];

/** One rule per layer: nothing in src/ outside the layers before it (or itself). */
const layerRules = ENGINE.map(([name, path], i) => ({
  name: `layer-${name}`,
  comment: `${name} may import only ${ENGINE.slice(0, i + 1).map(([n]) => n).join(', ')}`,
  severity: 'error',
  from: { path },
  to: { path: '^src/', pathNot: ENGINE_PATHS.slice(0, i + 1) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles in src/ (type-only imports included)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'engine-not-node',
      comment:
        'The engine runs in browsers too: Node built-ins belong in src/node (src/device/dawn-stderr.ts ' +
        'reaches two through process.getBuiltinModule, only when it runs in Node, and names none)',
      severity: 'error',
      from: { path: ENGINE_PATHS },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'node-below-applications',
      comment: 'src/node serves the applications and sits below them',
      severity: 'error',
      from: { path: '^src/node/' },
      to: { path: APPLICATIONS },
    },
    {
      name: 'fhe-is-a-library',
      comment: 'src/fhe is used by experiments, never the other way round',
      severity: 'error',
      from: { path: '^src/fhe/' },
      to: { path: ['^src/experiments/', '^src/cli/', '^src/demos/'] },
    },
    {
      name: 'engine-entry-is-engine',
      comment: "The package entry `gradwgsl` (src/index.ts) reaches only the engine: no application, no src/node, no Node built-in",
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { reachable: true, path: ['^src/(experiments|fhe|cli|demos|node)/', NODE_BUILTINS] },
    },
    {
      name: 'browser-entries-not-node',
      comment: '`gradwgsl/experiments` and `gradwgsl/fhe` are browser-safe too',
      severity: 'error',
      from: { path: '^src/(experiments|fhe)/index\\.ts$' },
      to: { reachable: true, path: ['^src/(node|cli|demos)/', NODE_BUILTINS] },
    },
    {
      name: 'demo-pages-not-node',
      comment: 'Demo pages run in browsers: no Node built-in, no gradwgsl/node, no CLI (the build steps src/demos/**/write-*.ts run in Node and are not pages)',
      severity: 'error',
      from: { path: '^src/demos/', pathNot: '^src/demos/(experiment/)?write-' },
      to: { path: '^src/(node|cli)/' },
    },
    {
      name: 'demo-pages-no-node-builtins',
      comment: 'Demo pages run in browsers',
      severity: 'error',
      from: { path: '^src/demos/', pathNot: '^src/demos/(experiment/)?write-' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'apps-use-public-entries',
      comment: 'The CLI and the demos import the package entries (gradwgsl, gradwgsl/node, gradwgsl/fhe, gradwgsl/experiments), never deep src/ paths',
      severity: 'error',
      from: { path: '^src/(cli|demos)/' },
      to: { path: '^src/', pathNot: ['^src/(cli|demos)/', '^src/(index|node/index|fhe/index|experiments/index)\\.ts$'] },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports are dependencies too: a layer must not even name a type above it.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.(wgsl|html|css)$' },
    // Resolve `./x.js` specifiers to the `./x.ts` files they name.
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
