// The gallery page: says up front whether this browser can run the demos.
import { showProblem, webgpuProblem, escapeHtml } from './common/webgpu.js';

const box = document.getElementById('webgpu')!;
const problem = await webgpuProblem();
if (problem) {
  showProblem(box, problem);
} else {
  const info = (await navigator.gpu.requestAdapter())!.info;
  box.innerHTML = `WebGPU ready: <b>${escapeHtml([info.vendor, info.architecture, info.description].filter(Boolean).join(' · ') || 'adapter found')}</b>`;
}
