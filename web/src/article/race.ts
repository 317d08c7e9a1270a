// Side-by-side training: one module worker per model (RNNenc and RNNsearch
// in section 2; the three scores in section 4), kept at the same update
// count. All train to the next checkpoint (every EVERY updates), evaluate and
// send a snapshot; when all have arrived the page sees one Checkpoint and
// they go on. Pause stops them between updates; reset builds fresh models in
// the same workers.
import type { FromRace, RaceSettings, ToRace } from "./protocol.js";

/** the models of section 2 */
export type Role = "enc" | "search";
export const ROLES: readonly Role[] = ["enc", "search"];

export interface Checkpoint<R extends string = Role> {
  step: number;
  /** seconds since Start, pauses left out */
  seconds: number;
  /** [bucket] exact match per model */
  accuracy: Record<R, number[]>;
  loss: Record<R, number>;
}

export type RaceStatus = "idle" | "loading" | "ready" | "running" | "pausing" | "paused" | "done" | "error";

export interface RaceEvents<R extends string> {
  status(s: RaceStatus, message: string): void;
  checkpoint(c: Checkpoint<R>): void;
  /** a model file of one role (safetensors bytes) at this update */
  snapshot(role: R, bytes: Uint8Array, step: number): void;
}

export const EVERY = 50;

export class Race<R extends string = Role> {
  private readonly roles: R[];
  private workers = {} as Record<R, Worker>;
  private got: Partial<Record<R, Extract<FromRace, { type: "checkpoint" }>>> = {};
  private readyCount = 0;
  private sizes = "";
  private pausedCount = 0;
  private step = 0;
  private elapsedMs = 0;
  private since = 0;
  status: RaceStatus = "loading";
  history: Checkpoint<R>[] = [];

  /** roles whose messages are stale until their "started" (after an init) */
  private awaiting = new Set<R>();
  private startWhenReady = false;
  private kernelsReady = 0;

  /**
   * `names`: what the status line calls each model. The workers start here
   * (they fetch their script and kernels while the page loads, so it works
   * offline afterwards); with `defer`, the models are built on the first
   * start() rather than now.
   */
  constructor(
    private readonly settings: Record<R, RaceSettings>, private readonly names: Record<R, string>,
    private readonly maxSteps: number, private readonly on: RaceEvents<R>, defer = false,
  ) {
    this.roles = Object.keys(settings) as R[];
    for (const role of this.roles) {
      const w = new Worker(new URL("./race-worker.ts", import.meta.url), { type: "module", name: `seq2seq-wasm ${role}` });
      w.addEventListener("message", (e: MessageEvent<FromRace>) => this.receive(role, e.data));
      w.addEventListener("error", (e) => this.set("error", `The ${this.names[role]} worker failed: ${e.message || "could not start"}`));
      this.workers[role] = w;
    }
    if (defer) this.set("idle", "Not started.");
    else this.init();
  }

  private set(s: RaceStatus, message: string): void {
    this.status = s;
    this.on.status(s, message);
  }

  /** (Re)builds every model; what a worker posts before its "started" belongs to the old one. */
  private init(): void {
    this.readyCount = 0;
    this.got = {};
    this.step = 0;
    this.elapsedMs = 0;
    this.history = [];
    this.awaiting = new Set(this.roles);
    this.set("loading", "Generating the examples and building the models…");
    for (const role of this.roles) this.send(role, { type: "init", settings: this.settings[role] });
  }

  private send(role: R, m: ToRace): void {
    this.workers[role].postMessage(m);
  }

  private receive(role: R, m: FromRace): void {
    if (this.awaiting.has(role)) {
      if (m.type === "started") this.awaiting.delete(role);
      else if (m.type !== "error") return;
    }
    switch (m.type) {
      case "ready":
        // every worker has its script and kernels: from now on the race needs no network
        if (++this.kernelsReady === this.roles.length && this.status === "idle") this.set("idle", `Not started; the ${this.roles.length} workers are ready.`);
        break;
      case "started":
        this.sizes = `${m.trainSize.toLocaleString("en")} training examples, ${m.testSize} held-out ones`;
        // both built: a first checkpoint of the untrained models (step 0), so the page has models to show
        if (++this.readyCount === this.roles.length) for (const r of this.roles) this.send(r, { type: "run", until: 0 });
        break;
      case "checkpoint":
        this.on.snapshot(role, new Uint8Array(m.bytes), m.step);
        this.got[role] = m;
        if (this.roles.every((r) => this.got[r]?.step === this.step)) this.arrived();
        break;
      case "paused":
        if (++this.pausedCount === this.roles.length && this.status === "pausing") {
          const last = this.history[this.history.length - 1]?.step ?? 0;
          this.set("paused", `Paused (last measured after ${last} updates each).`);
        }
        break;
      case "error":
        this.set("error", `Training ${this.names[role]} failed: ${m.message}`);
        break;
    }
  }

  private arrived(): void {
    const now = performance.now();
    if (this.status === "running") {
      this.elapsedMs += now - this.since;
      this.since = now;
    }
    const of = <K extends "accuracy" | "loss">(k: K) =>
      Object.fromEntries(this.roles.map((r) => [r, this.got[r]![k]])) as Record<R, Extract<FromRace, { type: "checkpoint" }>[K]>;
    const c: Checkpoint<R> = { step: this.step, seconds: this.elapsedMs / 1000, accuracy: of("accuracy"), loss: of("loss") };
    this.history.push(c);
    this.on.checkpoint(c);
    if (this.status === "loading") {
      this.set("ready", `Ready: ${this.sizes}, ${this.roles.length} untrained models.`);
      if (this.startWhenReady) {
        this.startWhenReady = false;
        this.start();
      }
      return;
    }
    if (this.step >= this.maxSteps) {
      this.set("done", `Done: ${this.step} updates each in ${c.seconds.toFixed(0)} s.`);
      return;
    }
    if (this.status === "running") this.advance();
  }

  private advance(): void {
    this.step += EVERY;
    for (const r of this.roles) this.send(r, { type: "run", until: this.step });
  }

  /** Starts (building the models first if they were deferred), or resumes after a pause. */
  start(): void {
    if (this.status === "idle") {
      this.startWhenReady = true;
      return this.init();
    }
    if (this.status !== "ready" && this.status !== "paused") return;
    const resume = this.status === "paused";
    this.since = performance.now();
    this.set("running", "Training…");
    if (resume && !this.roles.every((r) => this.got[r]?.step === this.step)) {
      for (const r of this.roles) this.send(r, { type: "run", until: this.step }); // finish the interrupted stretch
    } else this.advance();
  }

  pause(): void {
    if (this.status !== "running") return;
    this.elapsedMs += performance.now() - this.since;
    this.pausedCount = 0;
    this.set("pausing", "Pausing…");
    for (const r of this.roles) this.send(r, { type: "pause" });
  }

  /** Fresh untrained models in the same workers. */
  reset(): void {
    this.startWhenReady = false;
    this.init();
  }
}
