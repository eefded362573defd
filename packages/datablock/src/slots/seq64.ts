/**
 * A u64 (below 2^53) in two i32 words (lo at i, hi at i + 1) with ONE writer.
 * The writer changes hi only when lo wraps: it stores hi = -1 (busy), then lo, then the new hi.
 * A reader loads hi, lo, hi and retries while hi is -1 or changed, so it never sees a torn value.
 */
const TWO32 = 2 ** 32;

export function read64(w: Int32Array, i: number): number {
  for (;;) {
    const h1 = Atomics.load(w, i + 1);
    if (h1 === -1) continue;
    const lo = Atomics.load(w, i);
    if (Atomics.load(w, i + 1) === h1) return h1 * TWO32 + (lo >>> 0);
  }
}

export function write64(w: Int32Array, i: number, value: number): void {
  const hi = Math.floor(value / TWO32);
  if (Atomics.load(w, i + 1) === hi) {
    Atomics.store(w, i, value | 0);
    return;
  }
  Atomics.store(w, i + 1, -1);
  Atomics.store(w, i, value | 0);
  Atomics.store(w, i + 1, hi);
}

/**
 * write64 for a word whose readers are ordered by something else: a slot's seq (published by the
 * seq-cst store of COMMITTED; a reader re-checks it with its reader bit set) or a consumer's
 * position (read only for diagnosis). While hi is unchanged lo is a plain store, so the hot path
 * pays no locked instruction for it; a change of hi takes the full protocol above.
 */
export function writeOwned64(w: Int32Array, i: number, value: number): void {
  const hi = value < TWO32 ? 0 : Math.floor(value / TWO32);
  if (w[i + 1] === hi) {
    w[i] = value | 0;
    return;
  }
  write64(w, i, value);
}
