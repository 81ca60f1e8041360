import type { CompiledPerson } from './person.ts';
import { pairBlock, pairWeight } from './rules.ts';

/**
 * Every eligible pair of one community, heaviest first, plus the greedy matching over them. The
 * engine matches on a sparse subgraph of these; the greedy pass is both the benchmark's baseline and
 * a guarantee: its pairs are always in the subgraph, so the optimum there is never worse than greedy.
 */
export interface CandidateSet {
	/** Edge endpoints (indexes into the community's people) and weights, heaviest first. */
	a: Int32Array;
	b: Int32Array;
	weight: Int32Array;
	count: number;
	/** greedyMate[i] is i's partner in the greedy matching, or -1. */
	greedyMate: Int32Array;
}

const INDEX_BITS = 2 ** 26;

export function candidateSet(
	people: readonly CompiledPerson[],
	{ conversationMinutes }: { conversationMinutes: number }
): CandidateSet {
	const n = people.length;
	let capacity = 1024;
	let ea = new Int32Array(capacity);
	let eb = new Int32Array(capacity);
	let ew = new Int32Array(capacity);
	let m = 0;
	const options = { conversationMinutes };
	for (let i = 0; i < n; i++) {
		const pi = people[i]!;
		for (let j = i + 1; j < n; j++) {
			const pj = people[j]!;
			if (pairBlock(pi, pj, options) !== null) continue;
			if (m === capacity) {
				capacity *= 2;
				[ea, eb, ew] = [grow(ea, capacity), grow(eb, capacity), grow(ew, capacity)];
			}
			ea[m] = i;
			eb[m] = j;
			ew[m] = pairWeight(pi, pj);
			m++;
		}
	}
	if (m >= INDEX_BITS) throw new RangeError(`${m} candidate pairs is more than one run can sort`);
	// One key per edge, weight high and (reversed) index low: a native numeric sort, no comparator.
	const keys = new Float64Array(m);
	for (let k = 0; k < m; k++) keys[k] = ew[k]! * INDEX_BITS + (INDEX_BITS - 1 - k);
	keys.sort();
	const a = new Int32Array(m);
	const b = new Int32Array(m);
	const weight = new Int32Array(m);
	for (let r = 0; r < m; r++) {
		const k = INDEX_BITS - 1 - (keys[m - 1 - r]! % INDEX_BITS);
		a[r] = ea[k]!;
		b[r] = eb[k]!;
		weight[r] = ew[k]!;
	}
	return { a, b, weight, count: m, greedyMate: greedy(n, a, b, m) };
}

function grow(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
	const next = new Int32Array(capacity);
	next.set(array);
	return next;
}

/** Take the heaviest remaining pair whose two people are both still free. */
function greedy(n: number, a: Int32Array, b: Int32Array, m: number): Int32Array {
	const mate = new Int32Array(n).fill(-1);
	for (let r = 0; r < m; r++) {
		const i = a[r]!;
		const j = b[r]!;
		if (mate[i] === -1 && mate[j] === -1) {
			mate[i] = j;
			mate[j] = i;
		}
	}
	return mate;
}

/**
 * The sparse graph the blossom algorithm runs on: each person's `perPerson` heaviest candidate pairs,
 * plus the greedy pairs. Returns edge ranks into the candidate set.
 */
export function sparseEdges(set: CandidateSet, n: number, perPerson: number): number[] {
	const degree = new Int32Array(n);
	const kept: number[] = [];
	for (let r = 0; r < set.count; r++) {
		const i = set.a[r]!;
		const j = set.b[r]!;
		const inGreedy = set.greedyMate[i] === j;
		if (inGreedy || degree[i]! < perPerson || degree[j]! < perPerson) {
			kept.push(r);
			degree[i]! += 1;
			degree[j]! += 1;
		}
	}
	return kept;
}
