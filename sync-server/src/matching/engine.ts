import { ISSUE_STATEMENTS } from '../../../src/lib/contracts/questionnaire.ts';
import { maxWeightMatching, type WeightedEdge } from './blossom.ts';
import { candidateSet, sparseEdges } from './candidates.ts';
import { createCompiler, type CompiledPerson, type MatchPerson } from './person.ts';
import { pairReason, type PairReason } from './rules.ts';

export interface ProposedPair {
	a: string;
	b: string;
	weight: number;
	reason: PairReason;
}

export interface CommunityMatching {
	pairs: ProposedPair[];
	/** Ready people left without a partner this time (none of their candidates was free). */
	unmatched: string[];
	/** How many ready people took part. */
	ready: number;
	/** Eligible pairs found, and how many of them the blossom algorithm looked at. */
	candidatePairs: number;
	sparsePairs: number;
	totalWeight: number;
	/** The greedy baseline on the same candidates, for the benchmark and the coordinator's sanity. */
	greedy: { pairs: number; totalWeight: number };
}

export interface MatchOptions {
	conversationMinutes: number;
	now: Date;
	/** Each person's heaviest candidate pairs kept for the optimal matching (issue #3: "a sparse graph"). */
	candidatesPerPerson?: number;
}

export const DEFAULT_CANDIDATES_PER_PERSON = 8;
const STATEMENT_IDS = ISSUE_STATEMENTS.map((s) => s.id);

/**
 * One community's matching run: every eligible pair is weighed, each person keeps their best few, and
 * Edmonds' blossom algorithm picks the pairs of greatest total weight. Pure: same input, same pairs.
 */
export function matchCommunity(people: readonly MatchPerson[], options: MatchOptions): CommunityMatching {
	const compiler = createCompiler(STATEMENT_IDS);
	const ready = people
		.filter((p) => p.oriented && !p.hasActiveMatch)
		// A fixed order, so a run does not depend on how the database happened to return rows.
		.toSorted((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
		.map((p) => compiler.compile(p, options.now));
	const set = candidateSet(ready, options);
	const kept = sparseEdges(set, ready.length, options.candidatesPerPerson ?? DEFAULT_CANDIDATES_PER_PERSON);
	const edges: WeightedEdge[] = kept.map((r) => ({ a: set.a[r]!, b: set.b[r]!, weight: set.weight[r]! }));
	const mate = maxWeightMatching(ready.length, edges);
	// The weight of each person's matched pair, read off the edge list (no per-edge map).
	const matchedWeight = new Int32Array(ready.length);
	for (const e of edges) if (mate[e.a] === e.b) matchedWeight[e.a] = Math.max(matchedWeight[e.a]!, e.weight);

	const pairs: ProposedPair[] = [];
	const unmatched: string[] = [];
	for (let i = 0; i < ready.length; i++) {
		const j = mate[i]!;
		if (j === -1) unmatched.push(ready[i]!.person.id);
		else if (j > i) pairs.push(proposed(ready[i]!, ready[j]!, matchedWeight[i]! || matchedWeight[j]!));
	}
	return {
		pairs,
		unmatched,
		ready: ready.length,
		candidatePairs: set.count,
		sparsePairs: edges.length,
		totalWeight: pairs.reduce((sum, p) => sum + p.weight, 0),
		greedy: greedyTotals(set)
	};
}

function proposed(a: CompiledPerson, b: CompiledPerson, weight: number): ProposedPair {
	return { a: a.person.id, b: b.person.id, weight, reason: pairReason(a, b) };
}

function greedyTotals(set: ReturnType<typeof candidateSet>): CommunityMatching['greedy'] {
	const mate = set.greedyMate;
	let pairs = 0;
	let totalWeight = 0;
	for (let r = 0; r < set.count; r++) {
		if (mate[set.a[r]!] === set.b[r]!) {
			pairs++;
			totalWeight += set.weight[r]!;
		}
	}
	return { pairs, totalWeight };
}
