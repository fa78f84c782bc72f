// The GCE reproduction for the CLI: the browser-safe experiment with Node's data loaders.
import type { TrainTest } from '../../data/batches.js';
import { loadCifar10Folder } from '../../data/cifar.js';
import { loadIdxFolder } from '../../data/idx.js';
import { loadMnist } from '../../data/mnist.js';
import { fail } from '../../device/errors.js';
import type { DatasetName } from './data.js';
import { gceExperiment } from './experiment.js';

/** The embedded MNIST, or Fashion-MNIST / CIFAR-10 from the folder the user names. */
export async function loadNodeData(dataset: DatasetName, dir?: string): Promise<TrainTest> {
  if (dataset === 'mnist') return dir ? loadIdxFolder(dir) : loadMnist();
  if (!dir) fail(`gce: dataset '${dataset}' is read from a folder: pass --config '{"dataset":"${dataset}","dataDir":"<folder>"}'`);
  return dataset === 'cifar10' ? loadCifar10Folder(dir) : loadIdxFolder(dir);
}

export const experiment = gceExperiment(loadNodeData);
