// The dynamic batcher of `s2s serve`: requests that arrive together are
// decoded together. Each request brings a few items (sentences) under a key
// (model and search options); items of one key wait in a queue until it holds
// maxBatch items or the oldest has waited maxWaitMs, then one call of `run`
// decodes up to maxBatch of them. Each request's promise resolves with its
// own results, in its order, when its last item is done. No HTTP here.
//
// `run` is synchronous (the engine decodes on this thread); batches run one
// at a time, oldest key first. A batch that throws is run again one request
// at a time, so a fault in one request fails only that request.

export interface BatcherOptions {
  /** items per run (≥ 1; 1 = no batching) */
  maxBatch: number;
  /** how long the first item of a batch may wait for others (ms, ≥ 0) */
  maxWaitMs: number;
}

interface Pending<R> {
  results: R[];
  left: number;
  failed: boolean;
  resolve(r: R[]): void;
  reject(e: unknown): void;
}

interface Entry<T, R> {
  item: T;
  index: number;
  req: Pending<R>;
  /** when it was queued (Date.now()) */
  at: number;
}

interface Queue<T, R> {
  entries: Entry<T, R>[];
}

export interface BatcherStats {
  runs: number;
  items: number;
}

export class Batcher<K, T, R> {
  private readonly queues = new Map<string, { key: K; q: Queue<T, R> }>();
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  readonly stats: BatcherStats = { runs: 0, items: 0 };

  constructor(
    private readonly options: BatcherOptions,
    /** decodes items of one key: one result per item, in order */
    private readonly run: (key: K, items: T[]) => R[],
    private readonly keyId: (key: K) => string = (k) => JSON.stringify(k),
  ) {
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${options.maxBatch}`);
    if (!Number.isFinite(options.maxWaitMs) || options.maxWaitMs < 0) throw new RangeError(`maxWaitMs must be ≥ 0, got ${options.maxWaitMs}`);
  }

  /** Items waiting to be decoded. */
  get pending(): number {
    let n = 0;
    for (const { q } of this.queues.values()) n += q.entries.length;
    return n;
  }

  /** Queues a request's items; resolves with one result per item, in order. */
  submit(key: K, items: readonly T[]): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      const req: Pending<R> = { results: new Array<R>(items.length), left: items.length, failed: false, resolve, reject };
      const id = this.keyId(key);
      let slot = this.queues.get(id);
      if (!slot) {
        slot = { key, q: { entries: [] } };
        this.queues.set(id, slot);
      }
      const at = Date.now();
      items.forEach((item, index) => slot!.q.entries.push({ item, index, req, at }));
      this.schedule();
    });
  }

  private schedule(): void {
    let due = Infinity;
    for (const { q } of this.queues.values()) {
      if (q.entries.length === 0) continue;
      due = Math.min(due, q.entries.length >= this.options.maxBatch ? 0 : q.entries[0].at + this.options.maxWaitMs - Date.now());
    }
    if (due === Infinity) return;
    if (due <= 0) {
      // full batch (or waited long enough): run after the current I/O callbacks
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, due);
  }

  /** Runs every batch that is full or due, then re-arms for the rest. */
  private flush(): void {
    const now = Date.now();
    for (const [id, slot] of [...this.queues]) {
      const q = slot.q;
      while (q.entries.length >= this.options.maxBatch || (q.entries.length > 0 && now - q.entries[0].at >= this.options.maxWaitMs)) {
        this.runBatch(slot.key, q.entries.splice(0, this.options.maxBatch));
      }
      if (q.entries.length === 0) this.queues.delete(id);
    }
    this.schedule();
  }

  private runBatch(key: K, batch: Entry<T, R>[]): void {
    const live = batch.filter((e) => !e.req.failed);
    if (live.length === 0) return;
    let results: R[];
    try {
      results = this.run(key, live.map((e) => e.item));
      this.stats.runs++;
      this.stats.items += live.length;
    } catch (e) {
      const reqs = [...new Set(live.map((x) => x.req))];
      if (reqs.length === 1) {
        reqs[0].failed = true;
        reqs[0].reject(e);
        return;
      }
      // find the request at fault: each alone
      for (const r of reqs) this.runBatch(key, live.filter((x) => x.req === r));
      return;
    }
    live.forEach((e, k) => {
      e.req.results[e.index] = results[k];
      if (--e.req.left === 0) e.req.resolve(e.req.results);
    });
  }
}
