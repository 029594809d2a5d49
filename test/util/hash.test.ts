import { describe, expect, it } from 'vitest';
import { murmur3Words } from '../../src/util/hash.js';

// Published MurmurHash3_x86_32 test vectors (bytes, seed -> hash); a 4-byte input is one
// little-endian word.
describe('murmur3Words', () => {
  it.each([
    [[], 0, 0],
    [[], 1, 0x514e28b7],
    [[], 0xffffffff, 0x81f16f39],
    [[0x00000000], 0, 0x2362f9de],
    [[0x87654321], 0, 0xf55b516b],
    [[0x87654321], 0x5082edee, 0x2362f9de],
    [[0xffffffff], 0, 0x76293b50],
  ])('hash(%j, seed %i) matches the reference implementation', (words, seed, want) => {
    expect(murmur3Words(words, seed)).toBe(want);
  });

  it('treats negative words as their unsigned 32-bit pattern', () => {
    expect(murmur3Words([-1], 7)).toBe(murmur3Words([0xffffffff], 7));
  });
});
