// The recurrent cells of docs/model.md ("Recurrent cells") as one interface
// over their fused kernels: where the recurrent product h·W_hhᵀ goes, and one
// cell step over the rows of a batch.
//
//   lstm, rnn: gates = x·W_ihᵀ + (b_ih + b_hh) + h·W_hhᵀ, then the cell
//   gru:       gates = x·W_ihᵀ + b_ih and gh = h·W_hhᵀ + b_hh kept apart
//              (r multiplies W_hn·h + b_hn only), then the cell

import type { Kernels } from "../engine/kernels.js";
import type { Cell } from "./config.js";
import type { RecurrentWeights } from "./model.js";

/** Where h·W_hhᵀ is written: into the gates (β = 1, no bias) or, for gru, into gh (β = 0, + b_hh). */
export interface RecurrentTarget {
  y: number;
  ldy: number;
  bias: number;
  beta: number;
}

/**
 * The destination of the recurrent product of one step.
 *   gates: [R, G·H] (stride ldg), already holding x·W_ihᵀ + w.bias
 *   gh:    gru only: [R, 3H] (stride ldgh) scratch
 */
export function recurrentTarget(w: RecurrentWeights, gates: number, ldg: number, gh: number, ldgh: number): RecurrentTarget {
  return w.cell === "gru" ? { y: gh, ldy: ldgh, bias: w.bhh, beta: 0 } : { y: gates, ldy: ldg, bias: 0, beta: 1 };
}

/**
 * One cell step over R rows, after the recurrent product (recurrentTarget).
 *   gates: [R, G·H] (stride ldg): pre-activations in, the cell's activations out (backward's cache)
 *   gh:    gru: [R, 3H] (stride ldgh) = h·W_hhᵀ + b_hh, read only; ignored otherwise
 *   h, c:  [R, H] contiguous state (c: lstm only), updated for rows with t < lengths[r]
 *   y:     output rows (stride ldy, 0 = none); cy: lstm's c_t rows (stride ldcy, 0 = none)
 *   lengths: i32[R] or 0 (all rows active)
 */
export function cellForward(
  k: Kernels, cell: Cell, R: number, H: number,
  gates: number, ldg: number, gh: number, ldgh: number,
  h: number, c: number, y: number, ldy: number, cy: number, ldcy: number,
  lengths: number, t: number,
): void {
  switch (cell) {
    case "lstm":
      k.lstm_cell_forward(R, H, gates, ldg, h, c, y, ldy, cy, ldcy, lengths, t);
      break;
    case "gru":
      k.gru_cell_forward(R, H, gates, ldg, gh, ldgh, h, y, ldy, lengths, t);
      break;
    case "rnn":
      k.rnn_cell_forward(R, H, gates, ldg, h, y, ldy, lengths, t);
      break;
  }
}
