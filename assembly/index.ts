// The kernel module: every export takes byte offsets into the host's memory
// ("env" "memory") and sizes; nothing allocates. See docs/kernels.md.
export { gemm_nt, gemm_nn, gemm_tn } from "./gemm";
export { gemm_pn, pack_panels, panels_size } from "./panels";
export { lstm_cell_forward, lstm_cell_backward } from "./lstm";
export { gru_cell_forward, gru_cell_backward } from "./gru";
export { rnn_cell_forward, rnn_cell_backward } from "./rnn";
export {
  attention_dot_forward, attention_additive_forward, attention_dot_backward, attention_additive_backward,
} from "./attention";
export { log_softmax_forward, log_softmax_xent_backward } from "./softmax";
export { gather_rows, tanh_forward, add_forward, embedding_backward, tanh_backward, sum_rows } from "./rows";
export { dropout_forward, mul_forward } from "./dropout";
export { sgd_update, adam_update, sum_squares, scale_forward, nonfinite_count } from "./optim";
export { copy_rows, add_rows, transpose } from "./copy";
export { gemm_nt_i8, gemm_i8_scratch, gather_rows_i8, i8_row_sums } from "./quant";

/**
 * First byte the host may use: the compiler places static data (e.g. the
 * tables of Math.log) below it, in the same imported memory.
 */
export function heap_base(): usize {
  return __heap_base;
}
