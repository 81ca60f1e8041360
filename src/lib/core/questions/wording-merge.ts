/**
 * Merging two people's edits of one question's wording (issue #14). An editor remembers the wording
 * it opened with (`base`); when it saves, or when a partner's save arrives while it is open, the
 * person's changes (`base` → `mine`) are replayed onto the wording as it is now (`theirs`), so
 * neither person's words are lost. Both edits are diffed word by word against `base`:
 *
 * - changes in different places both apply;
 * - both inserting at one place keeps both, theirs first (it was saved first);
 * - both rewriting the same words keeps both rewrites, as concurrent Y.Text edits would.
 */

/** A change of `base`: the text in [from, to) becomes `insert`. */
export type Hunk = { from: number; to: number; insert: string };

/** A change of `theirs`, in the shape Y.Text's applyDelta takes (UTF-16 offsets). */
export type TextDelta = ({ retain: number } | { delete: number } | { insert: string })[];

export type Selection = { start: number; end: number };

// Words (with apostrophes, so "don't" stays whole), runs of white space, or one other code point,
// so a hunk never splits a word's letters or a surrogate pair.
const TOKEN = /[\p{L}\p{N}\p{M}'’]+|\s+|[^]/gu;

// Past this many cells the table would cost more than it saves: the edit becomes one hunk.
const MAX_TABLE = 1_000_000;

/** The word-level differences from `before` to `after`, in order and never overlapping. */
export function diffWording(before: string, after: string): Hunk[] {
	const a = before.match(TOKEN) ?? [];
	const b = after.match(TOKEN) ?? [];
	let head = 0;
	while (head < a.length && head < b.length && a[head] === b[head]) head++;
	let tail = 0;
	while (
		tail < a.length - head &&
		tail < b.length - head &&
		a[a.length - 1 - tail] === b[b.length - 1 - tail]
	)
		tail++;
	const aMid = a.slice(head, a.length - tail);
	const bMid = b.slice(head, b.length - tail);
	const pairs = (aMid.length + 1) * (bMid.length + 1) <= MAX_TABLE ? commonTokens(aMid, bMid) : [];

	const hunks: Hunk[] = [];
	let offset = charLength(a.slice(0, head));
	let [i, j] = [0, 0];
	for (const [pi, pj] of [...pairs, [aMid.length, bMid.length] as const]) {
		if (pi > i || pj > j) {
			const removed = charLength(aMid.slice(i, pi));
			hunks.push({ from: offset, to: offset + removed, insert: bMid.slice(j, pj).join('') });
			offset += removed;
		}
		if (pi < aMid.length) offset += aMid[pi]!.length;
		[i, j] = [pi + 1, pj + 1];
	}
	return hunks;
}

/** The index pairs of a longest common subsequence of tokens (a plain LCS table). */
function commonTokens(a: string[], b: string[]): [number, number][] {
	const width = b.length + 1;
	const table = new Uint32Array((a.length + 1) * width);
	for (let i = a.length - 1; i >= 0; i--)
		for (let j = b.length - 1; j >= 0; j--)
			table[i * width + j] =
				a[i] === b[j]
					? table[(i + 1) * width + j + 1]! + 1
					: Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
	const pairs: [number, number][] = [];
	let [i, j] = [0, 0];
	while (i < a.length && j < b.length) {
		if (a[i] === b[j]) pairs.push([i++, j++]);
		else if (table[(i + 1) * width + j]! >= table[i * width + j + 1]!) i++;
		else j++;
	}
	return pairs;
}

const charLength = (tokens: string[]) => tokens.reduce((n, t) => n + t.length, 0);

/** Per position of `base`: whether its character is gone, and what is inserted before it. */
function layout(base: string, hunks: Hunk[]) {
	const deleted = new Array<boolean>(base.length).fill(false);
	const inserted = new Array<string>(base.length + 1).fill('');
	for (const h of hunks) {
		inserted[h.from] += h.insert;
		for (let k = h.from; k < h.to; k++) deleted[k] = true;
	}
	return { deleted, inserted };
}

export type Merged = {
	/** The wording with both people's changes. */
	text: string;
	/** What turns `theirs` into `text`: only this person's changes. Empty when there are none. */
	delta: TextDelta;
	/** Where a selection in `mine` ends up in `text`. */
	selection?: Selection;
};

/** Replays the changes from `base` to `mine` onto `theirs` (see the top of this file). */
export function mergeWording({
	base,
	mine,
	theirs,
	selection
}: {
	base: string;
	mine: string;
	theirs: string;
	selection?: Selection;
}): Merged {
	const my = layout(base, diffWording(base, mine));
	const their = layout(base, diffWording(base, theirs));
	const delta = new DeltaBuilder();
	const toMerged = new Array<number>(mine.length + 1).fill(0);
	let text = '';
	let minePos = 0;
	for (let g = 0; g <= base.length; g++) {
		// A caret at a place where only they inserted stays before their words.
		toMerged[minePos] = text.length;
		text += their.inserted[g]!;
		delta.retain(their.inserted[g]!.length);
		const ours = my.inserted[g]!;
		for (let k = 0; k <= ours.length && ours !== ''; k++) toMerged[minePos + k] = text.length + k;
		text += ours;
		delta.insert(ours);
		minePos += ours.length;
		if (g === base.length) break;
		const inTheirs = !their.deleted[g];
		const inMine = !my.deleted[g];
		if (inMine) minePos++;
		if (inTheirs && inMine) {
			text += base[g];
			delta.retain(1);
		} else if (inTheirs) delta.delete(1);
	}
	toMerged[minePos] = text.length;
	return {
		text,
		delta: delta.done(),
		...(selection && {
			selection: {
				start: toMerged[clamp(selection.start, mine)]!,
				end: toMerged[clamp(selection.end, mine)]!
			}
		})
	};
}

const clamp = (pos: number, text: string) => Math.max(0, Math.min(pos, text.length));

/** Builds a compact delta: neighbouring operations of one kind joined, no trailing retain. */
class DeltaBuilder {
	#ops: TextDelta = [];
	retain(n: number) {
		const last = this.#ops.at(-1);
		if (n === 0) return;
		if (last && 'retain' in last) last.retain += n;
		else this.#ops.push({ retain: n });
	}
	delete(n: number) {
		const last = this.#ops.at(-1);
		if (n === 0) return;
		if (last && 'delete' in last) last.delete += n;
		else this.#ops.push({ delete: n });
	}
	insert(s: string) {
		const last = this.#ops.at(-1);
		if (s === '') return;
		if (last && 'insert' in last) last.insert += s;
		else this.#ops.push({ insert: s });
	}
	done(): TextDelta {
		while (this.#ops.length > 0 && 'retain' in this.#ops.at(-1)!) this.#ops.pop();
		return this.#ops;
	}
}

/** Applies a delta to a plain string, as Y.Text's applyDelta does to the shared wording. */
export function applyDelta(text: string, delta: TextDelta): string {
	let out = '';
	let at = 0;
	for (const op of delta) {
		if ('retain' in op) {
			out += text.slice(at, at + op.retain);
			at += op.retain;
		} else if ('delete' in op) at += op.delete;
		else out += op.insert;
	}
	return out + text.slice(at);
}
