// The ONNX Runtime Web baseline of the end-to-end translation benchmark: the
// model exported by src/export/onnx (encoder + one decoder step) driven as a
// Stepper, so searchWith runs the very search searchIds runs.
//
// What a user of the exported graphs would write: two sessions created once
// (wasm execution provider, all graph optimisations, one thread: the caller
// sets ort.env.wasm.numThreads = 1 before creating them), the encoder run once
// per batch, the decoder-step graph once per step. The encoder outputs are fed
// unchanged at every step (rows gather their sentence inside the graph by
// rowsrc); a beam-search reorder gathers the h/c/feed rows on the host.

import type * as OrtModule from "onnxruntime-web";
import type { OnnxManifest } from "../../src/export/onnx/export.js";
import type { StepOutput, StepSession, Stepper } from "../../src/decode/stepper.js";
import { PAD } from "../../src/model/config.js";

type Ort = typeof OrtModule;
type Tensor = OrtModule.Tensor;

export interface OnnxFiles {
  encoder: Uint8Array;
  decoderStep: Uint8Array;
  manifest: OnnxManifest;
}

const SESSION_OPTIONS = { executionProviders: ["wasm"], graphOptimizationLevel: "all" } as const;

/** A Stepper over the exported graphs; the sessions are created here, once. */
export async function ortStepper(ort: Ort, files: OnnxFiles): Promise<Stepper & { release(): Promise<void> }> {
  const encoder = await ort.InferenceSession.create(files.encoder, SESSION_OPTIONS);
  const decoder = await ort.InferenceSession.create(files.decoderStep, SESSION_OPTIONS);
  const c = files.manifest.config;
  const Ld = c.dec_layers, Hd = c.dec_hidden;
  const feed = c.decoder_style === "luong" && c.input_feed;
  const attention = c.attention !== "none";
  // the encoder outputs the decoder step reads (memory/keys/mask, or mbar)
  const shared = files.manifest.decoder_step.inputs.map((i) => i.name).filter((n) => files.manifest.encoder.outputs.some((o) => o.name === n));
  return {
    Vs: c.src_vocab_size,
    Vt: c.tgt_vocab_size,
    hasAttention: attention,
    async begin(srcs) {
      const B = srcs.length;
      let S = 1;
      for (const s of srcs) S = Math.max(S, s.length);
      const ids = new BigInt64Array(B * S).fill(BigInt(PAD));
      const lengths = new BigInt64Array(B);
      srcs.forEach((s, b) => {
        lengths[b] = BigInt(s.length);
        for (let j = 0; j < s.length; j++) ids[b * S + j] = BigInt(s[j]);
      });
      const out = await encoder.run({ src_ids: new ort.Tensor("int64", ids, [B, S]), src_lengths: new ort.Tensor("int64", lengths, [B]) });
      const encFeeds: Record<string, Tensor> = {};
      for (const n of shared) encFeeds[n] = out[n];
      return new OrtSession(ort, decoder, encFeeds, out.h0.data as Float32Array, B, S, Ld, Hd, feed, attention);
    },
    async release() {
      await encoder.release();
      await decoder.release();
    },
  };
}

/** Copies rows: out[l, i] = x[l, idx[i]] for x [L, rowsIn, H] → [L, idx.length, H]. */
function gatherRows(x: Float32Array, L: number, rowsIn: number, H: number, idx: readonly number[]): Float32Array {
  const R = idx.length;
  const out = new Float32Array(L * R * H);
  for (let l = 0; l < L; l++) {
    for (let i = 0; i < R; i++) {
      const src = (l * rowsIn + idx[i]) * H;
      out.set(x.subarray(src, src + H), (l * R + i) * H);
    }
  }
  return out;
}

class OrtSession implements StepSession {
  private R = 0;
  /** [Ld, R, Hd] each, and [R, Hd] (input feeding) */
  private h: Float32Array = new Float32Array(0);
  private c: Float32Array = new Float32Array(0);
  private feed: Float32Array = new Float32Array(0);
  private rowsrc = new BigInt64Array(0);

  constructor(
    private readonly ort: Ort,
    private readonly decoder: OrtModule.InferenceSession,
    private readonly encFeeds: Record<string, Tensor>,
    /** h0: [Ld, B, Hd] */
    private readonly h0: Float32Array,
    private readonly B: number,
    readonly S: number,
    private readonly Ld: number,
    private readonly Hd: number,
    private readonly hasFeed: boolean,
    private readonly hasAttention: boolean,
  ) {}

  start(rowsrc: readonly number[]): void {
    const R = (this.R = rowsrc.length);
    this.rowsrc = BigInt64Array.from(rowsrc, BigInt);
    this.h = gatherRows(this.h0, this.Ld, this.B, this.Hd, rowsrc);
    this.c = new Float32Array(this.Ld * R * this.Hd);
    this.feed = new Float32Array(R * this.Hd);
  }

  async step(prev: readonly number[]): Promise<StepOutput> {
    const { ort, R, Ld, Hd } = this;
    const feeds: Record<string, Tensor> = {
      ...this.encFeeds,
      prev_ids: new ort.Tensor("int64", BigInt64Array.from(prev, BigInt), [R]),
      rowsrc: new ort.Tensor("int64", this.rowsrc, [R]),
      h: new ort.Tensor("float32", this.h, [Ld, R, Hd]),
      c: new ort.Tensor("float32", this.c, [Ld, R, Hd]),
    };
    if (this.hasFeed) feeds.feed = new ort.Tensor("float32", this.feed, [R, Hd]);
    const out = await this.decoder.run(feeds);
    this.h = out.h_out.data as Float32Array;
    this.c = out.c_out.data as Float32Array;
    if (this.hasFeed) this.feed = out.feed_out.data as Float32Array;
    return { logp: out.logp.data as Float32Array, alpha: this.hasAttention ? (out.alpha.data as Float32Array) : null };
  }

  reorder(parents: readonly number[], rowsrc: readonly number[]): void {
    const { Ld, Hd, R } = this;
    this.h = gatherRows(this.h, Ld, R, Hd, parents);
    this.c = gatherRows(this.c, Ld, R, Hd, parents);
    if (this.hasFeed) this.feed = gatherRows(this.feed, 1, R, Hd, parents);
    this.rowsrc = BigInt64Array.from(rowsrc, BigInt);
    this.R = parents.length;
  }

  close(): void {
    for (const t of Object.values(this.encFeeds)) t.dispose();
  }
}
