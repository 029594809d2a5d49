// Types for scripts/seeded-random.mjs, so the TypeScript test helpers share its generators.
export function mulberry32(seed: number): () => number;
export function gaussian(rand: () => number): number;
