// The benchmark cases as ONNX graphs (opset 17), built in memory.
import { model, type Node } from "../../src/export/onnx/proto.js";

/**
 * C = A·Bᵀ. With `b` given, B is an initializer (a weight: onnxruntime packs
 * it once at session creation); otherwise both operands are graph inputs.
 */
export function gemmNT(M: number, N: number, K: number, b?: Float32Array): Uint8Array {
  return model({
    name: "gemm_nt",
    nodes: [{ op: "Gemm", inputs: ["A", "B"], outputs: ["C"], attrs: [{ name: "transB", i: 1 }] }],
    initializers: b ? [{ name: "B", dims: [N, K], data: b }] : [],
    inputs: b ? [{ name: "A", dims: [M, K] }] : [{ name: "A", dims: [M, K] }, { name: "B", dims: [N, K] }],
    outputs: [{ name: "C", dims: [M, N] }],
  });
}

/**
 * One LSTM step (PyTorch gate order i, f, g, o), weights as initializers:
 *   z = Gemm(x, W_ih, b, transB) + Gemm(h, W_hh, transB);  i,f,g,o = Split(z)
 *   c' = σ(f)·c + σ(i)·tanh(g);  h' = σ(o)·tanh(c')
 */
export function lstmStep(B: number, E: number, H: number, wih: Float32Array, whh: Float32Array, bias: Float32Array): Uint8Array {
  const nodes: Node[] = [
    { op: "Gemm", inputs: ["x", "W_ih", "b"], outputs: ["zx"], attrs: [{ name: "transB", i: 1 }] },
    { op: "Gemm", inputs: ["h", "W_hh"], outputs: ["zh"], attrs: [{ name: "transB", i: 1 }] },
    { op: "Add", inputs: ["zx", "zh"], outputs: ["z"] },
    { op: "Split", inputs: ["z", "split"], outputs: ["zi", "zf", "zg", "zo"], attrs: [{ name: "axis", i: 1 }] },
    { op: "Sigmoid", inputs: ["zi"], outputs: ["gi"] },
    { op: "Sigmoid", inputs: ["zf"], outputs: ["gf"] },
    { op: "Tanh", inputs: ["zg"], outputs: ["gg"] },
    { op: "Sigmoid", inputs: ["zo"], outputs: ["go"] },
    { op: "Mul", inputs: ["gf", "c"], outputs: ["fc"] },
    { op: "Mul", inputs: ["gi", "gg"], outputs: ["ig"] },
    { op: "Add", inputs: ["fc", "ig"], outputs: ["c_out"] },
    { op: "Tanh", inputs: ["c_out"], outputs: ["tc"] },
    { op: "Mul", inputs: ["go", "tc"], outputs: ["h_out"] },
  ];
  return model({
    name: "lstm_step",
    nodes,
    initializers: [
      { name: "W_ih", dims: [4 * H, E], data: wih },
      { name: "W_hh", dims: [4 * H, H], data: whh },
      { name: "b", dims: [4 * H], data: bias },
      { name: "split", dims: [4], data: BigInt64Array.from([H, H, H, H].map(BigInt)) },
    ],
    inputs: [{ name: "x", dims: [B, E] }, { name: "h", dims: [B, H] }, { name: "c", dims: [B, H] }],
    outputs: [{ name: "h_out", dims: [B, H] }, { name: "c_out", dims: [B, H] }],
  });
}

/**
 * Additive (Bahdanau) attention for one decoder row, keys precomputed:
 *   qp = Gemm(q, W_q, transB) [1,A];  s = MatMul(tanh(keys + qp), v) [L]
 *   α = Softmax(s);  ctx = MatMul(α, mem) [Dm]
 */
export function attentionAdditive(L: number, H: number, A: number, Dm: number, wq: Float32Array, v: Float32Array): Uint8Array {
  return model({
    name: "attention_additive",
    nodes: [
      { op: "Gemm", inputs: ["q", "W_q"], outputs: ["qp"], attrs: [{ name: "transB", i: 1 }] },
      { op: "Add", inputs: ["keys", "qp"], outputs: ["e"] },
      { op: "Tanh", inputs: ["e"], outputs: ["t"] },
      { op: "MatMul", inputs: ["t", "v"], outputs: ["s"] },
      { op: "Softmax", inputs: ["s"], outputs: ["alpha"], attrs: [{ name: "axis", i: -1 }] },
      { op: "MatMul", inputs: ["alpha", "mem"], outputs: ["ctx"] },
    ],
    initializers: [
      { name: "W_q", dims: [A, H], data: wq },
      { name: "v", dims: [A], data: v },
    ],
    inputs: [{ name: "q", dims: [1, H] }, { name: "keys", dims: [L, A] }, { name: "mem", dims: [L, Dm] }],
    outputs: [{ name: "alpha", dims: [L] }, { name: "ctx", dims: [Dm] }],
  });
}

/** PyTorch gate blocks [r; z; n] of a [3H, cols] matrix (or a [3H] bias) → ONNX's [z; r; h]. */
function gruToOnnxGates(w: Float32Array, H: number, cols: number): Float32Array {
  const block = H * cols, out = new Float32Array(w.length);
  out.set(w.subarray(block, 2 * block), 0);
  out.set(w.subarray(0, block), block);
  out.set(w.subarray(2 * block), 2 * block);
  return out;
}

/** [a; b] */
function cat2(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * One GRU step as the ONNX GRU operator over a sequence of length 1 (PyTorch
 * semantics: linear_before_reset = 1). Weights in PyTorch gate order r, z, n,
 * reordered to the operator's z, r, h:
 *   X [1, B, E], initial_h [1, B, H] → Y_h [1, B, H]
 *   W [1, 3H, E], R [1, 3H, H], B [1, 6H] = [b_ih ; b_hh]
 */
export function gruStep(B: number, E: number, H: number, wih: Float32Array, whh: Float32Array, bih: Float32Array, bhh: Float32Array): Uint8Array {
  return model({
    name: "gru_step",
    nodes: [{
      op: "GRU", inputs: ["x", "W", "R", "B", "", "h"], outputs: ["", "h_out"],
      attrs: [{ name: "hidden_size", i: H }, { name: "linear_before_reset", i: 1 }],
    }],
    initializers: [
      { name: "W", dims: [1, 3 * H, E], data: gruToOnnxGates(wih, H, E) },
      { name: "R", dims: [1, 3 * H, H], data: gruToOnnxGates(whh, H, H) },
      { name: "B", dims: [1, 6 * H], data: cat2(gruToOnnxGates(bih, H, 1), gruToOnnxGates(bhh, H, 1)) },
    ],
    inputs: [{ name: "x", dims: [1, B, E] }, { name: "h", dims: [1, B, H] }],
    outputs: [{ name: "h_out", dims: [1, B, H] }],
  });
}

/**
 * One Elman RNN step (tanh) as the ONNX RNN operator over a sequence of length 1:
 *   X [1, B, E], initial_h [1, B, H] → Y_h [1, B, H]
 *   W [1, H, E], R [1, H, H], B [1, 2H] = [b_ih ; b_hh]
 */
export function rnnStep(B: number, E: number, H: number, wih: Float32Array, whh: Float32Array, bih: Float32Array, bhh: Float32Array): Uint8Array {
  return model({
    name: "rnn_step",
    nodes: [{ op: "RNN", inputs: ["x", "W", "R", "B", "", "h"], outputs: ["", "h_out"], attrs: [{ name: "hidden_size", i: H }] }],
    initializers: [
      { name: "W", dims: [1, H, E], data: wih },
      { name: "R", dims: [1, H, H], data: whh },
      { name: "B", dims: [1, 2 * H], data: cat2(bih, bhh) },
    ],
    inputs: [{ name: "x", dims: [1, B, E] }, { name: "h", dims: [1, B, H] }],
    outputs: [{ name: "h_out", dims: [1, B, H] }],
  });
}
