// A dataset from a folder by name, for callers that take the name from their user (the CLI's
// `reproduce gce --config`): MNIST and Fashion-MNIST as IDX files, CIFAR-10 as binary batches.
import type { TrainTest } from '../data/batches.js';
import { loadCifar10Folder } from './cifar.js';
import { loadIdxFolder } from './idx.js';

export type FolderDataset = 'mnist' | 'fashion-mnist' | 'cifar10';

/** Loads `dataset` from `dir` (see loadIdxFolder and loadCifar10Folder for the files expected). */
export function loadDatasetFolder(dataset: FolderDataset, dir: string): Promise<TrainTest> {
  return dataset === 'cifar10' ? loadCifar10Folder(dir) : loadIdxFolder(dir);
}
