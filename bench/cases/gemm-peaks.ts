// Peak arithmetic rates of the cards the device-resident GEMM figures are compared against.
// Chosen by the adapter's `device` name (Dawn fills it with the driver's device name, e.g.
// VkPhysicalDeviceProperties.deviceName; its `description` on NVIDIA is only the driver
// version). A card not listed gets no percentage, and the case says so.

export interface Peak {
  card: string;
  /** Dense FP32 on the CUDA cores, TFLOP/s (one FMA = 2 FLOP). */
  f32: number;
  /** Dense FP16 on the CUDA cores (what a WGSL f16 GEMM without subgroup matrices can use). */
  f16: number;
  /** Dense FP16 on the tensor cores, FP32 accumulation: reachable only through subgroup matrices. */
  f16Tensor: number;
  source: string;
}

const HOPPER_WHITEPAPER = 'NVIDIA H100 Tensor Core GPU Architecture whitepaper (2022), table "NVIDIA H100 GPU specifications"';

const PEAKS: { match: RegExp; peak: Peak }[] = [
  { match: /H200/i, peak: { card: 'NVIDIA H200 SXM', f32: 67, f16: 134, f16Tensor: 989.5, source: 'NVIDIA H200 Tensor Core GPU datasheet (2024): FP32 67 TFLOPS, FP16 tensor 1979 TFLOPS with sparsity; the FP16 CUDA-core rate is twice FP32 as on H100 SXM5' } },
  { match: /H100.*PCIe/i, peak: { card: 'NVIDIA H100 PCIe', f32: 51.2, f16: 102.4, f16Tensor: 756.5, source: HOPPER_WHITEPAPER } },
  { match: /H100/i, peak: { card: 'NVIDIA H100 SXM5', f32: 66.9, f16: 133.8, f16Tensor: 989.4, source: HOPPER_WHITEPAPER } },
];

export function peakFor(info: GPUAdapterInfo): Peak | null {
  if (info.vendor !== 'nvidia') return null;
  return PEAKS.find((p) => p.match.test(info.device))?.peak ?? null;
}
