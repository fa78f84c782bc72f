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
        'The engine runs in browsers too: Node built-ins belong in src/node. Naming their types ' +
        '(`typeof import(\'node:fs\')`, erased at compile time) is allowed for code that reaches ' +
        'them through process.getBuiltinModule only when it runs in Node (src/device/dawn-stderr.ts)',
      severity: 'error',
      from: { path: ENGINE_PATHS },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-import', 'type-only'] },
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
