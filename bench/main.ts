// Placeholder entry so the build has a bench bundle; the real suite lands with the GEMM work.
console.log('bench: not yet implemented');
