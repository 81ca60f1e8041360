import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxWeightMatching, type WeightedEdge } from './blossom.ts';

/** Best total weight over every matching, by exhaustive search (fine up to ~12 vertices). */
function bruteForceBest(n: number, edges: readonly WeightedEdge[]): number {
	const w = new Map<string, number>();
	for (const e of edges) {
		const key = `${Math.min(e.a, e.b)}-${Math.max(e.a, e.b)}`;
		w.set(key, Math.max(w.get(key) ?? -Infinity, e.weight));
	}
	const used = new Array<boolean>(n).fill(false);
	const best = (from: number): number => {
		let i = from;
		while (i < n && used[i]) i++;
		if (i >= n) return 0;
		used[i] = true;
		let result = best(i + 1);
		for (let j = i + 1; j < n; j++) {
			const weight = w.get(`${i}-${j}`);
			if (used[j] || weight === undefined) continue;
			used[j] = true;
			result = Math.max(result, weight + best(i + 1));
			used[j] = false;
		}
		used[i] = false;
		return result;
	};
	return best(0);
}

function matchingWeight(mate: Int32Array, edges: readonly WeightedEdge[]): number {
	let total = 0;
	mate.forEach((j, i) => {
		if (j > i) {
			const heaviest = edges
				.filter((e) => (e.a === i && e.b === j) || (e.a === j && e.b === i))
				.reduce((m, e) => Math.max(m, e.weight), -Infinity);
			total += heaviest;
		}
	});
	return total;
}

const graph = fc.integer({ min: 2, max: 11 }).chain((n) =>
	fc.record({
		n: fc.constant(n),
		edges: fc.array(
			fc
				.record({
					a: fc.integer({ min: 0, max: n - 1 }),
					b: fc.integer({ min: 0, max: n - 1 }),
					// Small ranges make ties and blossoms common, which is where bugs live.
					weight: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 1000 }))
				})
				.filter((e) => e.a !== e.b),
			{ maxLength: 40 }
		)
	})
);

describe('maxWeightMatching', () => {
	it('returns a valid matching whose weight equals the brute-force optimum', () => {
		fc.assert(
			fc.property(graph, ({ n, edges }) => {
				const mate = maxWeightMatching(n, edges);
				mate.forEach((j, i) => {
					if (j === -1) return;
					expect(mate[j]).toBe(i);
					expect(edges.some((e) => (e.a === i && e.b === j) || (e.a === j && e.b === i))).toBe(true);
				});
				expect(matchingWeight(mate, edges)).toBe(bruteForceBest(n, edges));
			}),
			{ numRuns: 1500 }
		);
	}, 120_000);

	it('finds the optimum that greedy misses (a path where the middle edge is heaviest)', () => {
		const edges = [
			{ a: 0, b: 1, weight: 5 },
			{ a: 1, b: 2, weight: 6 },
			{ a: 2, b: 3, weight: 5 }
		];
		expect([...maxWeightMatching(4, edges)]).toEqual([1, 0, 3, 2]);
	});

	it('handles nested blossoms (van Rijn test case "create nested S-blossom, use for augmentation")', () => {
		const edges: WeightedEdge[] = [
			[1, 2, 9],
			[1, 3, 9],
			[2, 3, 10],
			[2, 4, 8],
			[3, 5, 8],
			[4, 5, 10],
			[5, 6, 6]
		].map(([a, b, weight]) => ({ a: a!, b: b!, weight: weight! }));
		expect([...maxWeightMatching(7, edges)]).toEqual([-1, 3, 4, 1, 2, 6, 5]);
	});

	it('refuses weights that are not integers and edges outside the graph', () => {
		expect(() => maxWeightMatching(2, [{ a: 0, b: 1, weight: 1.5 }])).toThrow(/integer/);
		expect(() => maxWeightMatching(2, [{ a: 0, b: 2, weight: 1 }])).toThrow(/vertices/);
	});

	it('leaves everyone unmatched when there are no edges', () => {
		expect([...maxWeightMatching(3, [])]).toEqual([-1, -1, -1]);
	});
});
