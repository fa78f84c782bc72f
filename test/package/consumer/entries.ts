// Every public entry's types, used as a consumer uses them; the tarball test compiles this with
// `tsc --strict` against the installed package's declarations.
import { GradwgslError, adapterInfo, init, type AdapterInfo, type Tensor } from 'gradwgsl';
import { GLYPH_PARAMETERS, validateParameters, type BgvParameters } from 'gradwgsl/fhe';
import { PAPERS, paperExperiment, type ExperimentData, type Fp8Config, type PaperName } from 'gradwgsl/experiments';
import { checkpointFile, loadDatasetFolder, loadMnist, type FolderDataset } from 'gradwgsl/node';

export async function describeAdapter(): Promise<AdapterInfo> {
  return adapterInfo((await init()).gpu);
}

export function shapeOf(t: Tensor): readonly number[] {
  return t.shape;
}

export const glyph: BgvParameters = GLYPH_PARAMETERS;
export const validated = () => validateParameters(glyph);

const nodeData: ExperimentData = { mnist: loadMnist, folder: (dataset: FolderDataset, dir: string) => loadDatasetFolder(dataset, dir) };

export async function fp8QuickConfig(): Promise<Fp8Config> {
  return (await paperExperiment('fp8', nodeData)).quickConfig;
}

export const papers: readonly PaperName[] = PAPERS;
export const store = checkpointFile('run.safetensors');
export const isUserError = (e: unknown): e is GradwgslError => e instanceof GradwgslError;
