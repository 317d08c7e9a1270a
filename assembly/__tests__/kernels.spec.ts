// AssemblyScript-side checks of the kernels against naive loops, on sizes
// that are not multiples of 4 (the SIMD width) or of the register tiles.
import { gemm_nt, gemm_nn, gemm_tn } from "../gemm";
import { lstm_cell_forward } from "../lstm";
import { log_softmax_forward } from "../softmax";
import { tanh_forward } from "../rows";

let seed: u32 = 12345;
function rnd(): f32 {
  seed = seed * 1664525 + 1013904223;
  return <f32>(seed >> 8) / <f32>(1 << 24) * 2.0 - 1.0;
}
function randArray(n: i32): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rnd();
  return a;
}
function ptr(a: Float32Array): usize {
  return a.dataStart;
}

/** max |C_kernel − C_naive| for one layout: 0 = nt, 1 = nn, 2 = tn */
function gemmError(layout: i32, M: i32, N: i32, K: i32, beta: i32): f32 {
  const A = randArray(M * K), B = randArray(N * K), C = randArray(M * N), bias = randArray(N);
  const want = new Float32Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s: f32 = bias[j] + (beta ? C[i * N + j] : 0);
      for (let k = 0; k < K; k++) {
        const a = layout == 2 ? A[k * M + i] : A[i * K + k];
        const b = layout == 0 ? B[j * K + k] : B[k * N + j];
        s += a * b;
      }
      want[i * N + j] = s;
    }
  }
  if (layout == 0) gemm_nt(M, N, K, ptr(A), K, ptr(B), K, ptr(C), N, ptr(bias), beta);
  else if (layout == 1) gemm_nn(M, N, K, ptr(A), K, ptr(B), N, ptr(C), N, ptr(bias), beta);
  else gemm_tn(M, N, K, ptr(A), M, ptr(B), N, ptr(C), N, ptr(bias), beta);
  let err: f32 = 0;
  for (let i = 0; i < M * N; i++) err = max(err, abs(C[i] - want[i]));
  return err;
}

describe("gemm", () => {
  it("nt, nn and tn agree with naive loops on odd sizes", () => {
    const sizes: i32[] = [1, 1, 1, 3, 5, 7, 2, 9, 4, 5, 13, 17, 9, 2, 33];
    for (let s = 0; s < sizes.length; s += 3) {
      for (let layout = 0; layout < 3; layout++) {
        for (let beta = 0; beta < 2; beta++) {
          expect(gemmError(layout, sizes[s], sizes[s + 1], sizes[s + 2], beta)).toBeLessThan(<f32>1e-5);
        }
      }
    }
  });
});

describe("lstm_cell_forward", () => {
  it("computes c' = f⊙c + i⊙g and h' = o⊙tanh(c') for H = 7", () => {
    const H = 7;
    const gates = randArray(4 * H), h = new Float32Array(H), c = randArray(H);
    const z = gates.slice(0), c0 = c.slice(0);
    lstm_cell_forward(1, H, ptr(gates), 4 * H, ptr(h), ptr(c), 0, 0, 0, 0, 0, 0);
    for (let k = 0; k < H; k++) {
      const i = 1.0 / (1.0 + Math.exp(-z[k])), f = 1.0 / (1.0 + Math.exp(-z[H + k]));
      const g = Math.tanh(z[2 * H + k]), o = 1.0 / (1.0 + Math.exp(-z[3 * H + k]));
      const cn = f * c0[k] + i * g;
      expect<f64>(c[k]).toBeCloseTo(cn, 5);
      expect<f64>(h[k]).toBeCloseTo(o * Math.tanh(cn), 5);
      expect<f64>(gates[k]).toBeCloseTo(i, 5);
    }
  });
});

describe("log_softmax_forward", () => {
  it("rows exponentiate to probability distributions (V = 11)", () => {
    const V = 11;
    const x = randArray(2 * V);
    for (let i = 0; i < 2 * V; i++) x[i] *= 30;
    log_softmax_forward(2, V, ptr(x), V, ptr(x), V);
    for (let r = 0; r < 2; r++) {
      let s: f64 = 0;
      for (let j = 0; j < V; j++) s += Math.exp(x[r * V + j]);
      expect<f64>(s).toBeCloseTo(1.0, 5);
    }
  });
});

describe("tanh_forward", () => {
  it("matches Math.tanh from −20 to 20, saturating without NaN", () => {
    const n = 401;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = <f32>(-20.0 + 0.1 * <f64>i);
    const x0 = x.slice(0);
    tanh_forward(1, n, ptr(x), n);
    for (let i = 0; i < n; i++) {
      expect<f64>(x[i]).toBeCloseTo(Math.tanh(x0[i]), 6);
    }
  });
});
