/**
 * Counts the endpoint Ids that appear in more than one row of an import (across its files and the threads that parsed
 * them), from their 96-bit fingerprints (id-hash.ts): an open-addressing hash set of fingerprints in typed arrays, 12
 * bytes a slot plus one byte of state, kept at most three-quarters full — 17 to 35 bytes an Id. The Ids themselves are
 * never seen here. A fingerprint shared by two different Ids would count as a repeat; at 96 bits that is
 * astronomically unlikely (id-hash.ts).
 */
import type { RepeatLocation } from '../contracts';
import { ID_HASH_WORDS } from './id-hash';
import type { IdHashes } from './id-hash';

const EMPTY = 0;
const SEEN = 1;
const REPEATED = 2;
const INITIAL_SLOTS = 1024;
/** How many repeating rows a result names. */
const MAX_REPEAT_EXAMPLES = 5;

export class RepeatedIds {
  /** Ids that appear in two rows or more. */
  ids = 0;
  /** Rows whose Id appeared in an earlier row (each overrides that earlier row). */
  rows = 0;
  /** The first few of those rows. */
  readonly examples: RepeatLocation[] = [];
  private words = new Uint32Array(INITIAL_SLOTS * ID_HASH_WORDS);
  private state = new Uint8Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private size = 0;

  /** Distinct Ids seen. */
  get distinct(): number {
    return this.size;
  }

  /** Counts the rows of one answer, in order; `file` names their file in the examples. */
  addAll(ids: IdHashes, file: string): void {
    const { hashes, lines } = ids;
    for (let row = 0; row < lines.length; row++) {
      const at = row * ID_HASH_WORDS;
      if (this.add(hashes[at]!, hashes[at + 1]!, hashes[at + 2]!) && this.examples.length < MAX_REPEAT_EXAMPLES) {
        this.examples.push({ file, line: lines[row]! });
      }
    }
  }

  /** Counts one row by its Id's fingerprint; true when an earlier row had it. */
  add(w0: number, w1: number, w2: number): boolean {
    let slot = this.find(w0, w1, w2);
    const state = this.state[slot]!;
    if (state === EMPTY) {
      if ((this.size + 1) * 4 > (this.mask + 1) * 3) {
        this.grow();
        slot = this.find(w0, w1, w2);
      }
      const at = slot * ID_HASH_WORDS;
      this.words[at] = w0;
      this.words[at + 1] = w1;
      this.words[at + 2] = w2;
      this.state[slot] = SEEN;
      this.size++;
      return false;
    }
    this.rows++;
    if (state === SEEN) {
      this.ids++;
      this.state[slot] = REPEATED;
    }
    return true;
  }

  /** The slot holding this fingerprint, or the empty slot where it belongs (linear probing from word 1's low bits). */
  private find(w0: number, w1: number, w2: number): number {
    const { words, state, mask } = this;
    for (let slot = w1 & mask; ; slot = (slot + 1) & mask) {
      if (state[slot] === EMPTY) return slot;
      const at = slot * ID_HASH_WORDS;
      if (words[at] === w0 >>> 0 && words[at + 1] === w1 >>> 0 && words[at + 2] === w2 >>> 0) return slot;
    }
  }

  private grow(): void {
    const { words, state } = this;
    const slots = (this.mask + 1) * 2;
    this.words = new Uint32Array(slots * ID_HASH_WORDS);
    this.state = new Uint8Array(slots);
    this.mask = slots - 1;
    for (let old = 0; old < state.length; old++) {
      if (state[old] === EMPTY) continue;
      const at = old * ID_HASH_WORDS;
      const slot = this.find(words[at]!, words[at + 1]!, words[at + 2]!);
      this.words.set(words.subarray(at, at + ID_HASH_WORDS), slot * ID_HASH_WORDS);
      this.state[slot] = state[old]!;
    }
  }
}
