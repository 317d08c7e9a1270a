// Optimizers over the flat parameter block: SGD and Adam (bias-corrected,
// PyTorch torch.optim semantics), global gradient-norm clipping, and the
// non-finite check that lets the trainer skip a bad step.

import { S2SError } from "../errors.js";
import type { TensorData } from "../io/safetensors.js";
import type { SafeTensors } from "../io/safetensors.js";
import type { Model } from "../model/model.js";
import type { Grads } from "./grads.js";

export type OptimizerKind = "sgd" | "adam";

export interface OptimizerOptions {
  kind: OptimizerKind;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class Optimizer {
  /** updates taken so far (Adam's t) */
  steps = 0;
  private readonly m: number;
  private readonly v: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;

  constructor(readonly model: Model, readonly grads: Grads, readonly options: OptimizerOptions) {
    const a = model.engine.arena;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.m = options.kind === "adam" ? a.zerosF32(model.paramCount) : 0;
    this.v = options.kind === "adam" ? a.zerosF32(model.paramCount) : 0;
  }

  /** √Σ g² over all gradients. */
  gradNorm(): number {
    return Math.sqrt(this.model.engine.kernels.sum_squares(this.grads.count, this.grads.ptr));
  }

  /** Count of NaN/Inf gradient values. */
  nonFinite(): number {
    return this.model.engine.kernels.nonfinite_count(this.grads.count, this.grads.ptr);
  }

  /**
   * Scales the gradients so their global norm is at most maxNorm (PyTorch
   * clip_grad_norm_: coefficient maxNorm / (norm + 1e-6) when below 1).
   * Returns the norm before clipping.
   */
  clip(maxNorm: number): number {
    const norm = this.gradNorm();
    if (maxNorm > 0) {
      const coef = maxNorm / (norm + 1e-6);
      if (coef < 1) this.model.engine.kernels.scale_forward(this.grads.count, this.grads.ptr, coef);
    }
    return norm;
  }

  /** One update with learning rate lr, then refreshes the model's derived tensors. */
  step(lr: number): void {
    const k = this.model.engine.kernels;
    const n = this.model.paramCount, p = this.model.paramsPtr, g = this.grads.ptr;
    this.steps++;
    if (this.options.kind === "sgd") {
      k.sgd_update(n, p, g, lr);
    } else {
      const bc1 = 1 - Math.pow(this.beta1, this.steps);
      const bc2 = 1 - Math.pow(this.beta2, this.steps);
      k.adam_update(n, p, g, this.m, this.v, lr, this.beta1, this.beta2, this.eps, bc1, bc2);
    }
    this.model.refresh();
  }

  /** Optimizer state as checkpoint tensors ("optim.m.<param>", "optim.v.<param>"). */
  stateTensors(): TensorData[] {
    if (this.options.kind !== "adam") return [];
    const a = this.model.engine.arena;
    const out: TensorData[] = [];
    for (const which of ["m", "v"] as const) {
      const base = which === "m" ? this.m : this.v;
      for (const s of this.model.specs) {
        const off = base + (s.ptr - this.model.paramsPtr);
        out.push({ name: `optim.${which}.${s.name}`, dtype: "F32", shape: s.shape, data: a.f32(off, s.size).slice() });
      }
    }
    return out.sort((x, y) => (x.name < y.name ? -1 : 1));
  }

  stateJson(): string {
    return JSON.stringify({ kind: this.options.kind, steps: this.steps, beta1: this.beta1, beta2: this.beta2, eps: this.eps });
  }

  /** Restores the state written by stateTensors()/stateJson(). */
  restore(st: SafeTensors, json: string): void {
    let o: { kind?: string; steps?: number };
    try {
      o = JSON.parse(json);
    } catch {
      throw new S2SError(`${st.source}: optimizer state is not valid JSON`);
    }
    if (o.kind !== this.options.kind) throw new S2SError(`${st.source}: checkpoint was trained with ${o.kind}, not ${this.options.kind}`);
    this.steps = Number(o.steps) || 0;
    if (this.options.kind !== "adam") return;
    const a = this.model.engine.arena;
    for (const which of ["m", "v"] as const) {
      const base = which === "m" ? this.m : this.v;
      for (const s of this.model.specs) {
        const name = `optim.${which}.${s.name}`;
        const v = st.f32(name);
        if (v.length !== s.size) throw new S2SError(`${st.source}: ${name} has ${v.length} values, expected ${s.size}`);
        a.f32(base + (s.ptr - this.model.paramsPtr), s.size).set(v);
      }
    }
  }
}
