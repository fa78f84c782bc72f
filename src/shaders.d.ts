// WGSL files are imported as text: esbuild's text loader in bundles, a tiny plugin in vitest.
declare module '*.wgsl' {
  const source: string;
  export default source;
}

// wgsl_reflect's package.json points Node at a CommonJS file while declaring "type": "module",
// so we import its ES module build by path; its types are the package's own.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
