// The kernel module: every export takes byte offsets into the host's memory
// ("env" "memory") and sizes; nothing allocates. See docs/kernels.md.
export { gemm_nt, gemm_nn, gemm_tn } from "./gemm";
export { lstm_cell_forward } from "./lstm";
export { attention_dot_forward, attention_additive_forward } from "./attention";
export { log_softmax_forward } from "./softmax";
export { gather_rows, tanh_forward, add_forward } from "./rows";

/**
 * First byte the host may use: the compiler places static data (e.g. the
 * tables of Math.log) below it, in the same imported memory.
 */
export function heap_base(): usize {
  return __heap_base;
}
