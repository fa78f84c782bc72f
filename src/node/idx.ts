// MNIST-style folders of IDX files (Node only): finds the four files, gunzips them when they are
// gzipped as downloaded, and parses them with data/idx.ts.
import type { TrainTest } from '../data/batches.js';
import { IDX_CLASSES, IDX_FILES, idxDataset, parseIdx, type IdxArray } from '../data/idx.js';
import { findFile, readBytes, requireFolder } from './files.js';

/** Reads and parses one IDX file, gzipped or not. */
export async function readIdx(path: string): Promise<IdxArray> {
  return parseIdx(await readBytes(path, 'IDX'), path);
}

function candidates(name: string): string[] {
  const dotted = name.replace('-idx', '.idx');
  return [name, `${name}.gz`, dotted, `${dotted}.gz`];
}

/**
 * Loads MNIST or Fashion-MNIST from a folder holding the four IDX files as downloaded. The class
 * count is declared, not read off the largest label: one stray label must fail, not add classes.
 */
export async function loadIdxFolder(dir: string, classes = IDX_CLASSES): Promise<TrainTest> {
  const expected = `${Object.values(IDX_FILES).map((f) => `${f}[.gz]`).join(', ')} (MNIST or Fashion-MNIST)`;
  await requireFolder(dir, 'IDX', expected);
  const paths = await Promise.all(Object.values(IDX_FILES).map((name) => findFile(dir, candidates(name), 'IDX')));
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(paths.map(readIdx)) as [IdxArray, IdxArray, IdxArray, IdxArray];
  return {
    train: idxDataset(trainImages, trainLabels, classes, `IDX train set in '${dir}'`),
    test: idxDataset(testImages, testLabels, classes, `IDX test set in '${dir}'`),
  };
}
