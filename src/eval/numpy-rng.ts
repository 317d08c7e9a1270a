// The resampling indices of sacreBLEU's paired bootstrap, bit for bit:
// `numpy.random.default_rng(seed).choice(n, size=(samples, n), replace=True)`,
// i.e. numpy's SeedSequence seeding a PCG64 generator (XSL-RR output, 128-bit
// LCG), its buffered 32-bit draws, and Lemire's bounded integers
// (numpy/random/_bit_generator.pyx, pcg64.h, distributions.c). With these the
// same seed gives sacreBLEU's resamples, so intervals and p-values match it.

const M32 = 0xffffffff;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const PCG_MULT = (0x2360ed051fc65da4n << 64n) | 0x4385df649fccf645n;

/** uint32 product (Math.imul is the low 32 bits of the signed product). */
const mul32 = (a: number, b: number) => Math.imul(a, b) >>> 0;

/** numpy's SeedSequence(entropy).generate_state(words, uint32) for a non-negative integer entropy. */
export function seedSequenceState(entropy: number, words: number): Uint32Array {
  if (!Number.isSafeInteger(entropy) || entropy < 0) throw new RangeError(`seed must be a non-negative integer, got ${entropy}`);
  // the entropy as little-endian uint32 words (0 → [0])
  const ent: number[] = [];
  for (let e = entropy; ent.length === 0 || e > 0; e = Math.floor(e / 2 ** 32)) ent.push(e % 2 ** 32);
  const POOL = 4;
  let hashConst = 0x43b0d7e5;
  const hashmix = (v: number): number => {
    v = (v ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, 0x931e8875);
    v = mul32(v, hashConst);
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (mul32(0xca01f9dd, x) - mul32(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = new Array<number>(POOL);
  for (let i = 0; i < POOL; i++) pool[i] = hashmix(i < ent.length ? ent[i] : 0);
  for (let s = 0; s < POOL; s++) for (let d = 0; d < POOL; d++) if (s !== d) pool[d] = mix(pool[d], hashmix(pool[s]));
  for (let s = POOL; s < ent.length; s++) for (let d = 0; d < POOL; d++) pool[d] = mix(pool[d], hashmix(ent[s]));
  let hc = 0x8b51f9dd;
  const out = new Uint32Array(words);
  for (let i = 0; i < words; i++) {
    let v = (pool[i % POOL] ^ hc) >>> 0;
    hc = mul32(hc, 0x58f38ded);
    v = mul32(v, hc);
    out[i] = (v ^ (v >>> 16)) >>> 0;
  }
  return out;
}

/** numpy's PCG64 bit generator seeded as default_rng(seed) seeds it. */
export class NumpyPcg64 {
  private state = 0n;
  private readonly inc: bigint;
  private half: number | null = null;

  constructor(seed: number) {
    const w = seedSequenceState(seed, 8);
    const u64 = (i: number) => (BigInt(w[2 * i + 1]) << 32n) | BigInt(w[2 * i]);
    const initState = (u64(0) << 64n) | u64(1);
    const initSeq = (u64(2) << 64n) | u64(3);
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULT + this.inc) & MASK128;
  }

  /** next 64 random bits (XSL-RR of the advanced state) */
  nextUint64(): bigint {
    this.step();
    const s = this.state;
    const x = ((s >> 64n) ^ s) & MASK64;
    const rot = Number(s >> 122n);
    return ((x >> BigInt(rot)) | (x << BigInt((64 - rot) & 63))) & MASK64;
  }

  /** next 32 random bits: the low half of a 64-bit draw, then its high half */
  nextUint32(): number {
    if (this.half !== null) {
      const h = this.half;
      this.half = null;
      return h;
    }
    const v = this.nextUint64();
    this.half = Number(v >> 32n);
    return Number(v & 0xffffffffn);
  }

  /** `integers(0, n)` for 1 ≤ n ≤ 2^32 − 1: Lemire's bounded draw as numpy makes it */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > M32) throw new RangeError(`bound must be an integer in [1, 2^32 − 1], got ${n}`);
    if (n === 1) return 0;
    const rngExcl = n; // rng = n − 1, rng_excl = rng + 1
    let r = this.nextUint32();
    let lo = mul32(r, rngExcl);
    if (lo < rngExcl) {
      const threshold = (M32 - (n - 1)) % rngExcl;
      while (lo < threshold) {
        r = this.nextUint32();
        lo = mul32(r, rngExcl);
      }
    }
    // high 32 bits of the 64-bit product r·n (exact in a double while r·n < 2^53)
    return n < 2 ** 21 ? Math.floor((r * rngExcl) / 2 ** 32) : Number((BigInt(r) * BigInt(rngExcl)) >> 32n);
  }
}

/** `default_rng(seed).choice(n, size=(samples, n), replace=True)`, row-major. */
export function bootstrapIndices(n: number, samples: number, seed: number): Int32Array {
  const g = new NumpyPcg64(seed);
  const out = new Int32Array(n * samples);
  for (let i = 0; i < out.length; i++) out[i] = g.below(n);
  return out;
}
