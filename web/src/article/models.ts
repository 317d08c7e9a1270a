// The page's copies of the two models: the kernels are compiled once, each
// role has one engine, and each snapshot from its worker replaces the model
// in that engine (the arena is released to the mark taken before the first
// load, so memory does not grow). Views subscribe and redraw on a new model.
import { compileUrl, kernelsUrl, loadEngineFromModule, Model, relaxedSimdSupported, type Engine, type Variant } from "seq2seq-wasm";

export interface Loaded {
  model: Model;
  /** the file the model was read from (what "download" gives) */
  bytes: Uint8Array;
  step: number;
  srcVocab: string[];
  tgtVocab: string[];
}

type Listener = (m: Loaded) => void;
/** which model: "enc" and "search" (section 2), "additive", "dot", "general" (section 4) */
type Role = string;

export class ModelStore {
  readonly kernels: Promise<{ module: WebAssembly.Module; variant: Variant }>;
  private engines = new Map<Role, Promise<{ engine: Engine; mark: number }>>();
  private current = new Map<Role, Loaded>();
  private listeners = new Map<Role, Listener[]>();

  constructor() {
    const variant: Variant = relaxedSimdSupported() ? "relaxed" : "simd";
    this.kernels = compileUrl(kernelsUrl(variant)).then((module) => ({ module, variant }));
  }

  private engine(role: Role): Promise<{ engine: Engine; mark: number }> {
    let e = this.engines.get(role);
    if (!e) {
      e = this.kernels.then(async ({ module, variant }) => {
        const engine = await loadEngineFromModule(module, variant);
        return { engine, mark: engine.arena.mark() };
      });
      this.engines.set(role, e);
    }
    return e;
  }

  get(role: Role): Loaded | null {
    return this.current.get(role) ?? null;
  }

  subscribe(role: Role, f: Listener): void {
    this.listeners.set(role, [...(this.listeners.get(role) ?? []), f]);
    const now = this.current.get(role);
    if (now) f(now);
  }

  /** Replaces a role's model with the file `bytes`; listeners redraw. */
  async load(role: Role, bytes: Uint8Array, step: number): Promise<void> {
    const { engine, mark } = await this.engine(role);
    this.current.delete(role);
    engine.arena.release(mark);
    const model = Model.fromBytes(engine, bytes, `${role} at update ${step}`);
    const vocab = (key: string) => JSON.parse(model.metadata[key] ?? "[]") as string[];
    const loaded = { model, bytes, step, srcVocab: vocab("src_vocab"), tgtVocab: vocab("tgt_vocab") };
    this.current.set(role, loaded);
    for (const f of this.listeners.get(role) ?? []) f(loaded);
  }

  /** Forgets both models (after a reset); views keep their last drawing until the next snapshot. */
  clear(): void {
    this.current.clear();
  }
}
