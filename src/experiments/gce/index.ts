// The GCE reproduction with Node's data: the embedded MNIST, or a dataset from the folder the user names.
import { loadDatasetFolder } from '../../node/datasets.js';
import { loadMnist } from '../../node/mnist.js';
import { gceLoader } from '../papers.js';
import { gceExperiment } from './experiment.js';

export const experiment = gceExperiment(gceLoader({ mnist: loadMnist, folder: loadDatasetFolder }));
