import { matchCommunity } from '../sync-server/src/matching/engine.ts';
import { syntheticCommunity } from '../sync-server/src/matching/population.ts';
import type { Figure } from './figure';

const COMMUNITIES = 10;
const PER_COMMUNITY = 1_000;

/**
 * Issue #3's workload: 10,000 waiting participants across 10 communities, matched community by
 * community on one thread. The time is CPU time of this process (user + system), so that other work
 * on a shared machine does not count against it; the greedy baseline runs on the same candidates.
 */
export function matchingFigures(): Figure[] {
	const now = new Date('2026-11-02T15:00:00Z');
	const communities = Array.from({ length: COMMUNITIES }, (_, c) =>
		syntheticCommunity(PER_COMMUNITY, { communityId: `community-${c}`, seed: c + 1, now })
	);
	let pairs = 0;
	let weight = 0;
	let greedyPairs = 0;
	let greedyWeight = 0;
	const started = process.cpuUsage();
	for (const people of communities) {
		const run = matchCommunity(people, { conversationMinutes: 40, now });
		pairs += run.pairs.length;
		weight += run.totalWeight;
		greedyPairs += run.greedy.pairs;
		greedyWeight += run.greedy.totalWeight;
	}
	const used = process.cpuUsage(started);
	const seconds = (used.user + used.system) / 1e6;
	const ratio = (x: number, y: number) => Math.round((x / y) * 1000) / 1000;
	return [
		{ name: 'matching_10k_seconds', value: Math.round(seconds * 100) / 100, unit: 's', goal: '≤ 2 s' },
		{ name: 'matching_pairs_vs_greedy', value: ratio(pairs, greedyPairs), unit: 'ratio', goal: '≥ 1' },
		{ name: 'matching_weight_vs_greedy', value: ratio(weight, greedyWeight), unit: 'ratio', goal: '≥ 1' },
		{ name: 'matching_pairs', value: pairs, unit: 'pairs' }
	];
}
