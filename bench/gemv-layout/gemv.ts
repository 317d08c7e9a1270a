// Why one-sentence-at-a-time decoding is memory-bound slower than ONNX
// Runtime: the same batch-1 GEMV y = W·x over two layouts of W.
//   gemv_rows:   W as stored, [N, K] row-major, 6 rows at a time (the access
//                pattern of nt_gemv in assembly/gemm.ts: six 4·K-byte streams)
//   gemv_panels: W packed as [N/8][K][8] (MLAS/XNNPACK-style column panels):
//                one sequential stream
// Compiled and timed by bench/gemv-layout.bench.ts (not part of the kernels).
export function gemv_rows(N: i32, K: i32, a: usize, b: usize, c: usize): void {
  const sb = <usize>K << 2;
  for (let j = 0; j + 6 <= N; j += 6) {
    let p0 = b + <usize>j * sb, p1 = p0 + sb, p2 = p1 + sb, p3 = p2 + sb, p4 = p3 + sb, p5 = p4 + sb;
    let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    for (let k = 0; k < K; k += 4) {
      const x = v128.load(a + (<usize>k << 2));
      const o = <usize>k << 2;
      c0 = f32x4.add(c0, f32x4.mul(x, v128.load(p0 + o)));
      c1 = f32x4.add(c1, f32x4.mul(x, v128.load(p1 + o)));
      c2 = f32x4.add(c2, f32x4.mul(x, v128.load(p2 + o)));
      c3 = f32x4.add(c3, f32x4.mul(x, v128.load(p3 + o)));
      c4 = f32x4.add(c4, f32x4.mul(x, v128.load(p4 + o)));
      c5 = f32x4.add(c5, f32x4.mul(x, v128.load(p5 + o)));
    }
    v128.store(c + (<usize>j << 2), f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, f32x4.add(c3, f32x4.add(c4, c5)))));
  }
}
export function gemv_panels(N: i32, K: i32, a: usize, b: usize, c: usize): void {
  // b: panels of 8 columns, [K][8] each
  let p = b;
  for (let j = 0; j + 8 <= N; j += 8) {
    let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0;
    for (let k = 0; k < K; k += 2) {
      const x0 = v128.load32_splat(a + (<usize>k << 2));
      const x1 = v128.load32_splat(a + (<usize>k << 2) + 4);
      c0 = f32x4.add(c0, f32x4.mul(x0, v128.load(p, 0)));
      c1 = f32x4.add(c1, f32x4.mul(x0, v128.load(p, 16)));
      c2 = f32x4.add(c2, f32x4.mul(x1, v128.load(p, 32)));
      c3 = f32x4.add(c3, f32x4.mul(x1, v128.load(p, 48)));
      p += 64;
    }
    v128.store(c + (<usize>j << 2), f32x4.add(c0, c2));
    v128.store(c + (<usize>j << 2) + 16, f32x4.add(c1, c3));
  }
}
