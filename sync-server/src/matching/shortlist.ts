import { ISSUE_STATEMENTS } from '../../../src/lib/contracts/questionnaire.ts';
import { createCompiler, type MatchPerson } from './person.ts';
import { assessPair, type PairReason } from './rules.ts';

export const SHORTLIST_SIZE = 3;

/**
 * Shortlist mode (a per-community setting, issue #3): instead of the coordinator's run, a waiting
 * participant chooses among the three pairs that would weigh most for them. Same rules, same weights.
 */
export function shortlist(
	me: MatchPerson,
	pool: readonly MatchPerson[],
	{
		conversationMinutes,
		now,
		size = SHORTLIST_SIZE
	}: { conversationMinutes: number; now: Date; size?: number }
): { id: string; weight: number; reason: PairReason }[] {
	const compiler = createCompiler(ISSUE_STATEMENTS.map((s) => s.id));
	const mine = compiler.compile(me, now);
	const options: { id: string; weight: number; reason: PairReason }[] = [];
	for (const other of pool) {
		const verdict = assessPair(mine, compiler.compile(other, now), { conversationMinutes });
		if (verdict.ok) options.push({ id: other.id, weight: verdict.weight, reason: verdict.reason });
	}
	return options.sort((x, y) => y.weight - x.weight || (x.id < y.id ? -1 : 1)).slice(0, size);
}
