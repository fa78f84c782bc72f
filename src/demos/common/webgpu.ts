// Whether this page can run WebGPU compute, and if not, what the reader has to change.
const ENABLE = 'Use Chrome or Edge 113+ (on Linux start it with <code>--enable-unsafe-webgpu</code> or turn on ' +
  '<code>chrome://flags/#enable-unsafe-webgpu</code>), Safari 26+, or Firefox 141+ on Windows.';

/** HTML explaining why WebGPU is unavailable here, or null when an adapter is there. */
export async function webgpuProblem(): Promise<string | null> {
  if (!globalThis.isSecureContext) {
    return 'WebGPU needs a secure context: open this page from <code>http://127.0.0.1</code> or <code>http://localhost</code> ' +
      '(<code>npm run demos</code> prints the address) or over https, not from a file or another host name.';
  }
  if (!navigator.gpu) return `This browser has no WebGPU (<code>navigator.gpu</code> is missing). ${ENABLE}`;
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  if (!adapter) {
    return 'This browser has WebGPU but offers no adapter: the GPU may be blocklisted or WebGPU turned off. ' +
      `Look at <code>chrome://gpu</code>; ${ENABLE}`;
  }
  return null;
}

export function showProblem(box: HTMLElement, html: string): void {
  box.hidden = false;
  box.classList.add('error');
  box.innerHTML = `<b>WebGPU unavailable.</b> ${html}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' })[c]};`);
}
