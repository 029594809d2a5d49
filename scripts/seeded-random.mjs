// The seeded generators the data scripts and benchmarks share, small enough to
// reproduce in any language: mulberry32 (uniform on [0, 1)) and Box–Muller normals.

/** mulberry32: a tiny 32-bit generator; the same seed gives the same stream everywhere. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One standard normal from two uniforms of `rand` (Box–Muller; 1 − u keeps the log's argument in (0, 1]). */
export function gaussian(rand) {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
