// Starts the engine for a demo page, or explains in the page why it cannot.
import { init, type Runtime } from 'gradwgsl';
import { escapeHtml, showProblem, webgpuProblem } from './webgpu.js';

/** Opens the engine, or shows the problem in `box` and returns null. */
export async function startEngine(box: HTMLElement): Promise<Runtime | null> {
  const problem = await webgpuProblem();
  if (!problem) {
    try {
      return await init();
    } catch (e) {
      showProblem(box, `WebGPU could not start: ${escapeHtml((e as Error).message)}`);
      return null;
    }
  }
  showProblem(box, problem);
  return null;
}
