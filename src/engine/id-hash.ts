/**
 * A 96-bit fingerprint of an endpoint Id, computed where the Id is parsed (the line-processing threads) so that only
 * fingerprints, never Ids, travel to the activity's thread for counting repeated Ids (repeated-ids.ts).
 *
 * The fingerprint is the first three 32-bit words of MurmurHash3 x86_128 (seed 0) over the Id's UTF-16LE bytes: a
 * well-tested non-cryptographic hash (SMHasher), several times faster here than Node's one-shot SHA-256 of a short Id
 * (no native call per Id). For Ids of up to eight bytes the three words determine the Id exactly (for a given length); for
 * longer Ids they behave as 96 random bits, so among n distinct Ids the chance of any two sharing a fingerprint is at
 * most n²/2^97: 6·10^-14 for 100 million Ids.
 */

/** 32-bit words per fingerprint. */
export const ID_HASH_WORDS = 3;

/** The fingerprints of the Ids of the rows kept in one answer of a line processor, with the rows' line numbers. */
export interface IdHashes {
  /** ID_HASH_WORDS words per row, in row order. */
  hashes: Uint32Array;
  /** Each row's line number. */
  lines: Float64Array;
}

/** Read once: a global looked up per call is slow in a vm context (Jest's test environment). */
const imul = Math.imul;
const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

function fmix(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const mixK1 = (k: number) => imul(rotl(imul(k, C1), 15), C2);
const mixK2 = (k: number) => imul(rotl(imul(k, C2), 16), C3);
const mixK3 = (k: number) => imul(rotl(imul(k, C3), 17), C4);
const mixK4 = (k: number) => imul(rotl(imul(k, C4), 18), C1);

/** Writes the fingerprint of `id` into out[at], out[at + 1], out[at + 2]. */
export function hashId(id: string, out: Uint32Array, at: number): void {
  const units = id.length;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  const blockEnd = units - (units % 8);
  // Blocks of 16 bytes: 8 code units, two to a little-endian word (bytes 2i … 2i + 3 of the UTF-16LE encoding).
  for (let i = 0; i < blockEnd; i += 8) {
    h1 ^= mixK1(id.charCodeAt(i) | (id.charCodeAt(i + 1) << 16));
    h1 = (imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= mixK2(id.charCodeAt(i + 2) | (id.charCodeAt(i + 3) << 16));
    h2 = (imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= mixK3(id.charCodeAt(i + 4) | (id.charCodeAt(i + 5) << 16));
    h3 = (imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= mixK4(id.charCodeAt(i + 6) | (id.charCodeAt(i + 7) << 16));
    h4 = (imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  // The tail: 0–7 code units, assembled as MurmurHash3 assembles its last 0–15 bytes. A unit past the end reads as 0
  // (charCodeAt gives NaN there, and bitwise operators take NaN as 0).
  const tail = units - blockEnd;
  const b = blockEnd;
  if (tail > 6) h4 ^= mixK4(id.charCodeAt(b + 6));
  if (tail > 4) h3 ^= mixK3(id.charCodeAt(b + 4) | (id.charCodeAt(b + 5) << 16));
  if (tail > 2) h2 ^= mixK2(id.charCodeAt(b + 2) | (id.charCodeAt(b + 3) << 16));
  if (tail > 0) h1 ^= mixK1(id.charCodeAt(b) | (id.charCodeAt(b + 1) << 16));
  const bytes = units * 2;
  h1 ^= bytes;
  h2 ^= bytes;
  h3 ^= bytes;
  h4 ^= bytes;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[at] = h1;
  out[at + 1] = h2 + h1;
  out[at + 2] = h3 + h1;
}
