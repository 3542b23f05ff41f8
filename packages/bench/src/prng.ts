/**
 * The benchmark's own seeded PRNG (mulberry32), so that every system sees the same virtual times and
 * durations, and the workloads do not depend on the core's `Random`.
 *
 * @module
 */

/** Returns a generator of uniform numbers in [0, 1) for `seed` (mulberry32). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` integers drawn uniformly in `[min, max]` with `seed`, as a `Float64Array`. */
export function randomIntegers(n: number, min: number, max: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const out = new Float64Array(n);
  const span = max - min + 1;
  for (let i = 0; i < n; i++) out[i] = min + Math.floor(random() * span);
  return out;
}
