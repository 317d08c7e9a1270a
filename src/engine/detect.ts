// Feature detection without downloading a kernel build: WebAssembly.validate
// on two tiny hand-written modules (validating compiles nothing, so this is
// allowed in edge runtimes too).
//
//   (module (func (result v128)
//     i32.const 1  i8x16.splat          ;; SIMD128
//     [i32.const 2 i8x16.splat i32.const 3 i8x16.splat f32x4.relaxed_madd]))  ;; relaxed SIMD

/** () -> v128: i32.const 1; i8x16.splat */
const SIMD_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 1, 253, 15, 11];

/** () -> v128: three splats, then f32x4.relaxed_madd (0xfd 0x105) */
const RELAXED_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0,
  65, 1, 253, 15, 65, 2, 253, 15, 65, 3, 253, 15, 253, 133, 2, 11,
];

function validates(bytes: number[]): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
}

/** Whether this runtime runs WebAssembly SIMD128 (every build needs it). */
export function simdSupported(): boolean {
  return validates(SIMD_PROBE);
}

/**
 * Whether this runtime runs relaxed SIMD (the faster `relaxed` build): Node ≥ 22,
 * Node 20 with --experimental-wasm-relaxed-simd, current Chrome and Firefox.
 */
export function relaxedSimdSupported(): boolean {
  return validates(RELAXED_PROBE);
}
