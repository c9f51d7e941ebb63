/**
 * The LZMA decoder under LZMA2 (after xz-embedded and liblzma, both public
 * domain): a range decoder over adaptive bit probabilities, literals coded
 * with the previous byte as context, matches and repeated matches
 * (rep0..rep3) copied from the dictionary.
 *
 * The dictionary is the output itself: the caller decodes a whole .xz block
 * into one array, so a match reads bytes already written before it, never a
 * separate window. Nothing is allocated from the dictionary size a header
 * claims; it only bounds how far back a match may reach.
 *
 * Invariants
 *  - `decodeChunk` writes exactly `out[pos, end)` and reads exactly
 *    `input[inStart, inEnd)`, or throws a TarError: a match reaching before
 *    the last dictionary reset or past the dictionary size, a match running
 *    past the chunk end, input consumed short or over, a range coder not
 *    finished at the end. Work is bounded by `end - pos` (each step writes at
 *    least one byte).
 *  - State (probabilities, state machine, rep distances) persists across
 *    chunks until `reset`; properties change only through `setProperties`.
 *
 * Speed: `decodeChunk` is one function with the range decoder in local
 * int32 variables (`range` and `code` hold unsigned values; comparisons flip
 * the sign bit) and every bit decode written out in place, the way fast
 * LZMA decoders in C are macro-expanded. Each copy of the bit decode is the
 * same four steps: normalize (shift in a byte when range < 2^24), bound =
 * (range >>> 11) * prob, compare, adapt prob by 1/32 towards the outcome.
 */
import type { TarError } from './errors.ts';
import { corruptXz } from './xz-error.ts';

/** Literal context bits, literal position bits and position bits, from an LZMA properties byte. */
export interface LzmaProperties {
  readonly lc: number;
  readonly lp: number;
  readonly pb: number;
}

/** Parses an LZMA properties byte (pb * 45 + lp * 9 + lc); LZMA2 also requires lc + lp <= 4. */
export function parseLzmaProperties(byte: number): LzmaProperties {
  if (byte >= 9 * 5 * 5) throw corruptXz(`bad LZMA properties byte 0x${byte.toString(16)}`);
  const lc = byte % 9;
  const rest = Math.floor(byte / 9);
  const lp = rest % 5;
  const pb = Math.floor(rest / 5);
  if (lc + lp > 4) throw corruptXz(`LZMA properties lc=${lc} lp=${lp} exceed lc + lp <= 4 (LZMA2)`);
  return { lc, lp, pb };
}

const STATES = 12;
const POS_STATES_MAX = 16;
const LITERAL_STATES = 7;
const MATCH_LEN_MIN = 2;
const DIST_STATES = 4;
const DIST_SLOTS = 64;
const DIST_MODEL_START = 4;
const DIST_MODEL_END = 14;
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;
const ALIGN_SIZE = 16;

// Offsets of the probability groups inside one Uint16Array.
const IS_MATCH = 0;
const IS_REP = IS_MATCH + STATES * POS_STATES_MAX;
const IS_REP0 = IS_REP + STATES;
const IS_REP1 = IS_REP0 + STATES;
const IS_REP2 = IS_REP1 + STATES;
const IS_REP0_LONG = IS_REP2 + STATES;
const DIST_SLOT = IS_REP0_LONG + STATES * POS_STATES_MAX;
const DIST_SPECIAL = DIST_SLOT + DIST_STATES * DIST_SLOTS;
const DIST_ALIGN = DIST_SPECIAL + FULL_DISTANCES - DIST_MODEL_END;
// A length coder: choice, choice2, low[16][8], mid[16][8], high[256].
const LEN_CHOICE = 0;
const LEN_CHOICE2 = 1;
const LEN_LOW = 2;
const LEN_MID = LEN_LOW + POS_STATES_MAX * 8;
const LEN_HIGH = LEN_MID + POS_STATES_MAX * 8;
const LEN_CODER_SIZE = LEN_HIGH + 256;
const MATCH_LEN = DIST_ALIGN + ALIGN_SIZE;
const REP_LEN = MATCH_LEN + LEN_CODER_SIZE;
const LITERAL = REP_LEN + LEN_CODER_SIZE;
const LITERAL_CODER_SIZE = 0x300;
/** Probabilities for the largest literal coder LZMA2 allows (lc + lp = 4). */
const PROBS_MAX = LITERAL + (LITERAL_CODER_SIZE << 4);

const PROB_INIT = 1 << 10;
/** Flips the sign bit so that signed int32 comparison orders unsigned 32-bit values. */
const SIGN = 0x80000000 | 0;

/** Decodes LZMA chunks of one LZMA2 stream into an output array that is also the dictionary. */
export class LzmaDecoder {
  private readonly probs = new Uint16Array(PROBS_MAX);
  private lc = 0;
  private lpMask = 0;
  private pbMask = 0;
  private probsUsed = LITERAL;
  private state = 0;
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;

  /** New lc/lp/pb; the caller resets the state right after (LZMA2 always does). */
  setProperties(props: LzmaProperties): void {
    this.lc = props.lc;
    this.lpMask = (1 << props.lp) - 1;
    this.pbMask = (1 << props.pb) - 1;
    this.probsUsed = LITERAL + (LITERAL_CODER_SIZE << (props.lc + props.lp));
  }

  /** State reset: every probability back to one half, state 0, rep distances 0. */
  reset(): void {
    this.probs.fill(PROB_INIT, 0, this.probsUsed);
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  /**
   * Decodes one LZMA chunk: `input[inStart, inEnd)` (starting with the range
   * coder's 5 init bytes) into `out[pos, end)`. `dictStart` is where the
   * dictionary was last reset (a match may not reach before it, and
   * positions count from it); `dictLimit` bounds match distances.
   */
  decodeChunk(input: Uint8Array, inStart: number, inEnd: number, out: Uint8Array, pos: number, end: number, dictStart: number, dictLimit: number): void {
    if (inEnd - inStart < 5 || input[inStart] !== 0) throw corruptXz('bad LZMA chunk start');
    const probs = this.probs;
    const lc = this.lc;
    const lpMask = this.lpMask;
    const pbMask = this.pbMask;
    let state = this.state;
    let rep0 = this.rep0;
    let rep1 = this.rep1;
    let rep2 = this.rep2;
    let rep3 = this.rep3;
    let range = -1;
    let code = (input[inStart + 1]! << 24) | (input[inStart + 2]! << 16) | (input[inStart + 3]! << 8) | input[inStart + 4]!;
    let inPos = inStart + 5;
    let prob = 0;
    let bound = 0;
    let index = 0;
    while (pos < end) {
      const posState = (pos - dictStart) & pbMask;
      // isMatch
      if (range >>> 24 === 0) {
        if (inPos >= inEnd) throw shortChunk();
        range <<= 8;
        code = (code << 8) | input[inPos++]!;
      }
      index = IS_MATCH + (state << 4) + posState;
      prob = probs[index]!;
      bound = Math.imul(range >>> 11, prob);
      if ((code ^ SIGN) < (bound ^ SIGN)) {
        range = bound;
        probs[index] = prob + ((2048 - prob) >>> 5);
        // Literal: eight bits under the context of the previous byte and the position.
        const prev = pos > dictStart ? out[pos - 1]! : 0;
        const base = LITERAL + LITERAL_CODER_SIZE * ((((pos - dictStart) & lpMask) << lc) + (prev >>> (8 - lc)));
        let symbol = 1;
        if (state < LITERAL_STATES) {
          do {
            if (range >>> 24 === 0) {
              if (inPos >= inEnd) throw shortChunk();
              range <<= 8;
              code = (code << 8) | input[inPos++]!;
            }
            index = base + symbol;
            prob = probs[index]!;
            bound = Math.imul(range >>> 11, prob);
            if ((code ^ SIGN) < (bound ^ SIGN)) {
              range = bound;
              probs[index] = prob + ((2048 - prob) >>> 5);
              symbol <<= 1;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[index] = prob - (prob >>> 5);
              symbol = (symbol << 1) | 1;
            }
          } while (symbol < 0x100);
          state = state < 4 ? 0 : state - 3;
        } else {
          // After a match the byte at rep0 guides the coding while its bits agree.
          let matchByte = out[pos - rep0 - 1]!;
          let offset = 0x100;
          do {
            matchByte <<= 1;
            const matchBit = matchByte & offset;
            if (range >>> 24 === 0) {
              if (inPos >= inEnd) throw shortChunk();
              range <<= 8;
              code = (code << 8) | input[inPos++]!;
            }
            index = base + offset + matchBit + symbol;
            prob = probs[index]!;
            bound = Math.imul(range >>> 11, prob);
            if ((code ^ SIGN) < (bound ^ SIGN)) {
              range = bound;
              probs[index] = prob + ((2048 - prob) >>> 5);
              symbol <<= 1;
              offset &= ~matchBit;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[index] = prob - (prob >>> 5);
              symbol = (symbol << 1) | 1;
              offset &= matchBit;
            }
          } while (symbol < 0x100);
          state = state < 10 ? state - 3 : state - 6;
        }
        out[pos++] = symbol;
        continue;
      }
      range = (range - bound) | 0;
      code = (code - bound) | 0;
      probs[index] = prob - (prob >>> 5);

      // isRep
      if (range >>> 24 === 0) {
        if (inPos >= inEnd) throw shortChunk();
        range <<= 8;
        code = (code << 8) | input[inPos++]!;
      }
      index = IS_REP + state;
      prob = probs[index]!;
      bound = Math.imul(range >>> 11, prob);
      /** The length coder to read next, or -1 for a short rep (length 1). */
      let lenBase: number;
      const isNewMatch = (code ^ SIGN) < (bound ^ SIGN);
      if (isNewMatch) {
        range = bound;
        probs[index] = prob + ((2048 - prob) >>> 5);
        state = state < LITERAL_STATES ? 7 : 10;
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        lenBase = MATCH_LEN;
      } else {
        range = (range - bound) | 0;
        code = (code - bound) | 0;
        probs[index] = prob - (prob >>> 5);
        // isRep0
        if (range >>> 24 === 0) {
          if (inPos >= inEnd) throw shortChunk();
          range <<= 8;
          code = (code << 8) | input[inPos++]!;
        }
        index = IS_REP0 + state;
        prob = probs[index]!;
        bound = Math.imul(range >>> 11, prob);
        if ((code ^ SIGN) < (bound ^ SIGN)) {
          range = bound;
          probs[index] = prob + ((2048 - prob) >>> 5);
          // isRep0Long: 0 is a short rep, one byte at rep0.
          if (range >>> 24 === 0) {
            if (inPos >= inEnd) throw shortChunk();
            range <<= 8;
            code = (code << 8) | input[inPos++]!;
          }
          index = IS_REP0_LONG + (state << 4) + posState;
          prob = probs[index]!;
          bound = Math.imul(range >>> 11, prob);
          if ((code ^ SIGN) < (bound ^ SIGN)) {
            range = bound;
            probs[index] = prob + ((2048 - prob) >>> 5);
            state = state < LITERAL_STATES ? 9 : 11;
            lenBase = -1;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[index] = prob - (prob >>> 5);
            state = state < LITERAL_STATES ? 8 : 11;
            lenBase = REP_LEN;
          }
        } else {
          range = (range - bound) | 0;
          code = (code - bound) | 0;
          probs[index] = prob - (prob >>> 5);
          // isRep1, then isRep2: which older distance becomes rep0.
          if (range >>> 24 === 0) {
            if (inPos >= inEnd) throw shortChunk();
            range <<= 8;
            code = (code << 8) | input[inPos++]!;
          }
          index = IS_REP1 + state;
          prob = probs[index]!;
          bound = Math.imul(range >>> 11, prob);
          let distance: number;
          if ((code ^ SIGN) < (bound ^ SIGN)) {
            range = bound;
            probs[index] = prob + ((2048 - prob) >>> 5);
            distance = rep1;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[index] = prob - (prob >>> 5);
            if (range >>> 24 === 0) {
              if (inPos >= inEnd) throw shortChunk();
              range <<= 8;
              code = (code << 8) | input[inPos++]!;
            }
            index = IS_REP2 + state;
            prob = probs[index]!;
            bound = Math.imul(range >>> 11, prob);
            if ((code ^ SIGN) < (bound ^ SIGN)) {
              range = bound;
              probs[index] = prob + ((2048 - prob) >>> 5);
              distance = rep2;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[index] = prob - (prob >>> 5);
              distance = rep3;
              rep3 = rep2;
            }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = distance;
          state = state < LITERAL_STATES ? 8 : 11;
          lenBase = REP_LEN;
        }
      }

      let len = 1;
      if (lenBase >= 0) {
        // Length: choice 0 -> low tree (3 bits), choice2 0 -> mid tree (3 bits), else high tree (8 bits).
        let treeBase: number;
        let treeBits: number;
        if (range >>> 24 === 0) {
          if (inPos >= inEnd) throw shortChunk();
          range <<= 8;
          code = (code << 8) | input[inPos++]!;
        }
        index = lenBase + LEN_CHOICE;
        prob = probs[index]!;
        bound = Math.imul(range >>> 11, prob);
        if ((code ^ SIGN) < (bound ^ SIGN)) {
          range = bound;
          probs[index] = prob + ((2048 - prob) >>> 5);
          treeBase = lenBase + LEN_LOW + posState * 8;
          treeBits = 3;
          len = MATCH_LEN_MIN;
        } else {
          range = (range - bound) | 0;
          code = (code - bound) | 0;
          probs[index] = prob - (prob >>> 5);
          if (range >>> 24 === 0) {
            if (inPos >= inEnd) throw shortChunk();
            range <<= 8;
            code = (code << 8) | input[inPos++]!;
          }
          index = lenBase + LEN_CHOICE2;
          prob = probs[index]!;
          bound = Math.imul(range >>> 11, prob);
          if ((code ^ SIGN) < (bound ^ SIGN)) {
            range = bound;
            probs[index] = prob + ((2048 - prob) >>> 5);
            treeBase = lenBase + LEN_MID + posState * 8;
            treeBits = 3;
            len = MATCH_LEN_MIN + 8;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[index] = prob - (prob >>> 5);
            treeBase = lenBase + LEN_HIGH;
            treeBits = 8;
            len = MATCH_LEN_MIN + 16;
          }
        }
        const top = 1 << treeBits;
        let symbol = 1;
        do {
          if (range >>> 24 === 0) {
            if (inPos >= inEnd) throw shortChunk();
            range <<= 8;
            code = (code << 8) | input[inPos++]!;
          }
          index = treeBase + symbol;
          prob = probs[index]!;
          bound = Math.imul(range >>> 11, prob);
          if ((code ^ SIGN) < (bound ^ SIGN)) {
            range = bound;
            probs[index] = prob + ((2048 - prob) >>> 5);
            symbol <<= 1;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[index] = prob - (prob >>> 5);
            symbol = (symbol << 1) | 1;
          }
        } while (symbol < top);
        len += symbol - top;
      }

      if (isNewMatch) {
        // Distance: a 6-bit slot (context: the length), then the slot's low bits.
        const slotBase = DIST_SLOT + (len - MATCH_LEN_MIN < DIST_STATES ? len - MATCH_LEN_MIN : DIST_STATES - 1) * DIST_SLOTS;
        let slot = 1;
        do {
          if (range >>> 24 === 0) {
            if (inPos >= inEnd) throw shortChunk();
            range <<= 8;
            code = (code << 8) | input[inPos++]!;
          }
          index = slotBase + slot;
          prob = probs[index]!;
          bound = Math.imul(range >>> 11, prob);
          if ((code ^ SIGN) < (bound ^ SIGN)) {
            range = bound;
            probs[index] = prob + ((2048 - prob) >>> 5);
            slot <<= 1;
          } else {
            range = (range - bound) | 0;
            code = (code - bound) | 0;
            probs[index] = prob - (prob >>> 5);
            slot = (slot << 1) | 1;
          }
        } while (slot < DIST_SLOTS);
        slot -= DIST_SLOTS;
        if (slot < DIST_MODEL_START) {
          rep0 = slot;
        } else {
          const limit = (slot >>> 1) - 1;
          // Up to 32 bits: kept as a non-negative number, not an int32.
          rep0 = (2 | (slot & 1)) * 2 ** limit;
          let reverseBase: number;
          let reverseBits: number;
          if (slot < DIST_MODEL_END) {
            reverseBase = DIST_SPECIAL + rep0 - slot - 1;
            reverseBits = limit;
          } else {
            // Direct bits at probability one half, then 4 align bits.
            let direct = 0;
            for (let i = limit - ALIGN_BITS; i > 0; i--) {
              if (range >>> 24 === 0) {
                if (inPos >= inEnd) throw shortChunk();
                range <<= 8;
                code = (code << 8) | input[inPos++]!;
              }
              range >>>= 1;
              // code < range (unsigned; range < 2^31 here) means a 0 bit.
              const bit = (code ^ SIGN) < (range ^ SIGN) ? 0 : 1;
              if (bit) code = (code - range) | 0;
              direct = direct * 2 + bit;
            }
            rep0 += direct * ALIGN_SIZE;
            reverseBase = DIST_ALIGN;
            reverseBits = ALIGN_BITS;
          }
          let symbol = 1;
          for (let i = 0; i < reverseBits; i++) {
            if (range >>> 24 === 0) {
              if (inPos >= inEnd) throw shortChunk();
              range <<= 8;
              code = (code << 8) | input[inPos++]!;
            }
            index = reverseBase + symbol;
            prob = probs[index]!;
            bound = Math.imul(range >>> 11, prob);
            if ((code ^ SIGN) < (bound ^ SIGN)) {
              range = bound;
              probs[index] = prob + ((2048 - prob) >>> 5);
              symbol <<= 1;
            } else {
              range = (range - bound) | 0;
              code = (code - bound) | 0;
              probs[index] = prob - (prob >>> 5);
              symbol = (symbol << 1) | 1;
              rep0 += 2 ** i;
            }
          }
        }
      }

      if (rep0 >= pos - dictStart || rep0 >= dictLimit) {
        throw corruptXz(`an LZMA match reaches ${rep0 + 1} bytes back, before the start of the dictionary`);
      }
      if (len > end - pos) throw corruptXz('an LZMA match runs past the end of its chunk');
      const from = pos - rep0 - 1;
      if (len > 32 && rep0 + 1 >= len) {
        out.copyWithin(pos, from, from + len);
      } else {
        for (let i = 0; i < len; i++) out[pos + i] = out[from + i]!;
      }
      pos += len;
    }
    if (range >>> 24 === 0) {
      if (inPos >= inEnd) throw shortChunk();
      range <<= 8;
      code = (code << 8) | input[inPos++]!;
    }
    if (inPos !== inEnd || code !== 0) throw corruptXz('an LZMA chunk does not end where its header says');
    this.state = state;
    this.rep0 = rep0;
    this.rep1 = rep1;
    this.rep2 = rep2;
    this.rep3 = rep3;
  }
}

function shortChunk(): TarError {
  return corruptXz('an LZMA chunk is shorter than its data');
}
