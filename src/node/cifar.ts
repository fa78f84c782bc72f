// CIFAR-10's binary version from a folder (Node only): reads the six batch files, gunzipped when
// needed, and parses them with data/cifar.ts.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainTest } from '../data/batches.js';
import { CIFAR10_FILES, parseCifarBatches } from '../data/cifar.js';
import { findFile, readBytes, requireFolder } from './files.js';

/** The folder the archive unpacks to; a user may name it or the folder above it. */
const ARCHIVE_FOLDER = 'cifar-10-batches-bin';

/** Loads CIFAR-10 (binary version) from the folder holding its .bin files, or the folder above it. */
export async function loadCifar10Folder(dir: string): Promise<TrainTest> {
  const all = [...CIFAR10_FILES.train, ...CIFAR10_FILES.test];
  await requireFolder(dir, 'CIFAR-10', `${all.join(', ')} (the binary version, cifar-10-binary.tar.gz, unpacked)`);
  const nested = join(dir, ARCHIVE_FOLDER);
  const root = (await stat(nested).catch(() => null))?.isDirectory() ? nested : dir;
  const read = (names: readonly string[]) =>
    Promise.all(
      names.map(async (name) => {
        const path = await findFile(root, [name], 'CIFAR-10');
        return { path, bytes: await readBytes(path, 'CIFAR-10') };
      }),
    );
  const [train, test] = await Promise.all([read(CIFAR10_FILES.train), read(CIFAR10_FILES.test)]);
  return {
    train: parseCifarBatches(train, `CIFAR-10 train set in '${root}'`),
    test: parseCifarBatches(test, `CIFAR-10 test set in '${root}'`),
  };
}
