// CodeTable: the op-code tables TypeScript and WGSL share, written once.
import { describe, expect, it } from 'vitest';
import { CodeTable, wgslConstants } from '../../src/device/codes.js';

describe('CodeTable', () => {
  const table = new CodeTable('OP', ['neg', 'reluGrad', 'addScalar'] as const);

  it('numbers the names in order and declares each as a WGSL const', () => {
    expect(table.code).toEqual({ neg: 0, reluGrad: 1, addScalar: 2 });
    expect(table.wgsl).toBe('const OP_NEG: u32 = 0u;\nconst OP_RELU_GRAD: u32 = 1u;\nconst OP_ADD_SCALAR: u32 = 2u;');
    expect(table.has('neg')).toBe(true);
    expect(table.has('toString')).toBe(false);
  });

  it('puts the declarations before a shader that names every code', () => {
    const shader = 'switch OP { case OP_NEG, OP_ADD_SCALAR: { } case OP_RELU_GRAD: { } default: { } }';
    expect(table.withSource('test', shader)).toEqual([table.wgsl, shader]);
  });

  it('fails when the shader has no case for a code, naming it', () => {
    // OP_RELU_GRADIENT is another identifier: it must not count as OP_RELU_GRAD.
    const shader = 'switch OP { case OP_NEG: { } case OP_ADD_SCALAR: { } case OP_RELU_GRADIENT: { } default: { } }';
    expect(() => table.withSource('test/kernel', shader)).toThrow(/test\/kernel: the shader never names OP_RELU_GRAD;/);
  });

  it('declares a layout TypeScript owns, and only u32 values', () => {
    expect(wgslConstants('T', { alpha: 0, header: 8 })).toBe('const T_ALPHA: u32 = 0u;\nconst T_HEADER: u32 = 8u;');
    expect(() => wgslConstants('T', { half: 0.5 })).toThrow(/half = 0.5 is not a u32/);
  });

  it('rejects a name given twice', () => {
    expect(() => new CodeTable('OP', ['a', 'b', 'a'])).toThrow(/names repeat/);
  });
});
