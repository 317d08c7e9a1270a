import type { Model } from "../model/model.js";

/**
 * Gradients of every parameter, in one block laid out exactly like the
 * model's parameter block (so optimizers run one flat loop over both).
 */
export class Grads {
  readonly ptr: number;
  readonly count: number;

  constructor(readonly model: Model) {
    model.requireF32("gradients");
    this.count = model.paramCount;
    this.ptr = model.engine.arena.zerosF32(this.count);
  }

  /** Gradient pointer of a parameter. */
  of(name: string): number {
    return this.ptr + (this.model.ptr(name) - this.model.paramsPtr);
  }

  zero(): void {
    this.view().fill(0);
  }

  view(): Float32Array {
    return this.model.engine.arena.f32(this.ptr, this.count);
  }

  /** One parameter's gradient (a live view). */
  viewOf(name: string): Float32Array {
    return this.model.engine.arena.f32(this.of(name), this.model.slot(name).size);
  }
}
