/**
 * The history strings of open flows, shared: a flow's history grows a letter at a time ('S',
 * 'Sh', 'ShA', ...), and a new string per letter is a young object that an old FlowEntry points
 * to, so the scavenger copies (and then promotes) the current history of every open flow that
 * changed since its last pass: with ~100k flows open, most of what a scavenge had to keep. Few
 * histories occur in practice; each one made here is kept and given again for the same text and
 * letter, so a letter costs a lookup and nothing is allocated.
 *
 * Bounded: beyond `capacity` histories it stops keeping new ones and concatenates as before (the
 * same text either way).
 */
export class HistoryTextInterner {
  /** By history text: the history with each letter appended, at its character code less FIRST_CODE. */
  private readonly next = new Map<string, (string | undefined)[]>();

  constructor(readonly capacity: number) {}

  /** Histories kept. */
  get size(): number {
    return this.next.size;
  }

  /** `history + letter` (`letter`: one character, 'A'..'z' or '^'). */
  append(history: string, letter: string): string {
    const at = letter.charCodeAt(0) - FIRST_CODE;
    if (at < 0 || at >= LETTERS || letter.length !== 1) return history + letter;
    let row = this.next.get(history);
    if (row === undefined) {
      if (this.next.size >= this.capacity) return history + letter;
      row = new Array<string | undefined>(LETTERS).fill(undefined);
      this.next.set(history, row);
    }
    return (row[at] ??= history + letter);
  }
}

/** 'A' to 'z' (the history letters, both cases, and '^'). */
const FIRST_CODE = 65;
const LETTERS = 122 - FIRST_CODE + 1;
