// Packs a uniform struct (or any struct of 32-bit scalars and vectors) from the layout
// wgsl_reflect reads out of the WGSL source, so no TypeScript table of offsets can drift from
// the shader.
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import { fail } from './errors.js';

export type UniformValue = number | readonly number[];

export type Scalar = 'u32' | 'i32' | 'f32';

export interface UniformMember {
  name: string;
  offset: number;
  scalar: Scalar;
  count: number;
}

export interface StructLayout {
  size: number;
  members: UniformMember[];
}

export interface UniformLayout extends StructLayout {
  /** The `var<uniform>` name in WGSL. */
  varName: string;
  binding: number;
}

interface ReflectedType {
  name: string;
  format?: ReflectedType | null;
  count?: number;
}

/** Accepts `u32`, `vec2<u32>`, `vec4u`, `vec3f`, ... and returns the scalar and lane count. */
export function memberKind(type: ReflectedType, where: string): { scalar: Scalar; count: number } {
  const direct = /^(u32|i32|f32)$/.exec(type.name);
  if (direct) return { scalar: direct[1] as Scalar, count: 1 };
  const short = /^vec([234])([uif])$/.exec(type.name);
  if (short) {
    const scalar = ({ u: 'u32', i: 'i32', f: 'f32' } as const)[short[2] as 'u' | 'i' | 'f'];
    return { scalar, count: Number(short[1]) };
  }
  const long = /^vec([234])$/.exec(type.name);
  if (long && type.format && /^(u32|i32|f32)$/.test(type.format.name)) {
    return { scalar: type.format.name as Scalar, count: Number(long[1]) };
  }
  return fail(`${where}: uniform member type '${type.name}' is not supported (use u32, i32, f32 or their vectors)`);
}

/** The layout of struct `name` declared in `source` (a buffer TypeScript reads and writes). */
export function reflectStruct(source: string, name: string): StructLayout {
  const struct = new WgslReflect(source).structs.find((s) => s.name === name);
  if (!struct) return fail(`reflectStruct: no struct '${name}' in the given WGSL`);
  const members = struct.members.map((m) => ({ name: m.name, offset: m.offset, ...memberKind(m.type as never, `struct ${name}`) }));
  return { size: struct.size, members };
}

/** Reads every member of `layout` from `source` at `base` (the inverse of packUniforms). */
export function unpackStruct(layout: StructLayout, source: DataView, base = 0): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const m of layout.members) {
    out[m.name] = Array.from({ length: m.count }, (_, i) => {
      const at = base + m.offset + 4 * i;
      return m.scalar === 'f32' ? source.getFloat32(at, true) : m.scalar === 'i32' ? source.getInt32(at, true) : source.getUint32(at, true);
    });
  }
  return out;
}

/** Writes `values` into `target` at `base`; every member must be given, and nothing else. */
export function packUniforms(
  layout: StructLayout,
  values: Record<string, UniformValue>,
  target: DataView,
  base: number,
  where: string,
): void {
  for (const m of layout.members) {
    const v = values[m.name];
    if (v === undefined) fail(`${where}: uniform '${m.name}' was not given`);
    const lanes = typeof v === 'number' ? [v] : v;
    if (lanes.length !== m.count) fail(`${where}: uniform '${m.name}' needs ${m.count} values, got ${lanes.length}`);
    for (let i = 0; i < m.count; i++) {
      const at = base + m.offset + 4 * i;
      const x = lanes[i]!;
      if (m.scalar === 'f32') target.setFloat32(at, x, true);
      else if (m.scalar === 'i32') target.setInt32(at, x, true);
      else {
        if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) fail(`${where}: uniform '${m.name}' = ${x} is not a u32`);
        target.setUint32(at, x, true);
      }
    }
  }
  for (const name of Object.keys(values)) {
    if (!layout.members.some((m) => m.name === name)) fail(`${where}: the shader has no uniform '${name}'`);
  }
}
