import { hasSharedStretch, sharedMinutes } from '../../../src/lib/core/weekly-availability.ts';
import type { CompiledPerson } from './person.ts';
import { sessionMinutes } from '../../../src/lib/core/session-length.ts';

/**
 * Who can be paired, and how much a pair is worth (issue #3, "The matching engine"). Every rule here
 * is a hard rule: the engine never proposes, and a coordinator can never approve, a pair it blocks.
 */

/** Why a pair is proposed: the line the coordinator sees, and the "in common" the partners see. */
export interface PairReason {
	sharedMinutesPerWeek: number;
	sharedInterests: string[];
	statementsDiffer: number;
	statementCount: number;
	placementGap: number;
}

export const PAIR_BLOCKS = [
	'same_person',
	'not_ready',
	'other_community',
	'no_common_language',
	'same_last_name',
	'same_email',
	'same_phone',
	'too_alike',
	'no_common_time',
	'met_before'
] as const;
export type PairBlock = (typeof PAIR_BLOCKS)[number];

export type PairAssessment =
	{ ok: true; weight: number; reason: PairReason } | { ok: false; block: PairBlock };

/** At least this far apart on the 7-point self-placement… */
export const MIN_PLACEMENT_GAP = 2;

/**
 * Integer weights (the blossom solver needs integers). The base dominates so that one more
 * conversation always outweighs a nicer pairing of fewer people; the rest orders the pairs.
 */
export const WEIGHTS = {
	base: 1000,
	perPlacementPoint: 40,
	perStatementDiffering: 25,
	perSharedInterest: 100,
	maxSharedInterests: 3,
	perSharedHour: 25,
	maxSharedHours: 8,
	perWaitingDay: 5,
	maxWaitingDays: 60,
	priority: 500
} as const;

function popcount(x: number): number {
	let n = 0;
	for (let v = x >>> 0; v; v &= v - 1) n++;
	return n;
}

function sortedIntersection(a: readonly string[], b: readonly string[]): string[] {
	const out: string[] = [];
	let i = 0;
	let j = 0;
	while (i < a.length && j < b.length) {
		if (a[i]! === b[j]!) {
			out.push(a[i]!);
			i++;
			j++;
		} else if (a[i]! < b[j]!) i++;
		else j++;
	}
	return out;
}

/** The first rule a pair breaks, cheapest checks first (this runs for every pair in a community). */
export function pairBlock(
	a: CompiledPerson,
	b: CompiledPerson,
	{ conversationMinutes }: { conversationMinutes: number }
): PairBlock | null {
	if (a.person.id === b.person.id) return 'same_person';
	if (!a.ready || !b.ready) return 'not_ready';
	if (a.person.communityId !== b.person.communityId) return 'other_community';
	if ((a.languages & b.languages) === 0) return 'no_common_language';
	if ((a.days & b.days) === 0) return 'no_common_time';
	if (!differEnough(a, b)) return 'too_alike';
	if (a.lastNameId !== 0 && a.lastNameId === b.lastNameId) return 'same_last_name';
	if (a.emailId !== 0 && a.emailId === b.emailId) return 'same_email';
	if (a.phoneId !== 0 && a.phoneId === b.phoneId) return 'same_phone';
	if ((a.avoid.size > 0 && a.avoid.has(b.person.id)) || (b.avoid.size > 0 && b.avoid.has(a.person.id)))
		return 'met_before';
	if (!hasSharedStretch(a.week, b.week, sessionMinutes(conversationMinutes))) return 'no_common_time';
	return null;
}

function statementsCompared(a: CompiledPerson, b: CompiledPerson) {
	const known = a.stanceKnown & b.stanceKnown;
	return { count: popcount(known), differ: popcount((a.stanceBits ^ b.stanceBits) & known) };
}

/** …or differing on at least half of the issue statements both answered. */
function differEnough(a: CompiledPerson, b: CompiledPerson): boolean {
	if (Math.abs(a.placement - b.placement) >= MIN_PLACEMENT_GAP) return true;
	const { count, differ } = statementsCompared(a, b);
	return count > 0 && differ * 2 >= count;
}

export function pairReason(a: CompiledPerson, b: CompiledPerson): PairReason {
	const { count, differ } = statementsCompared(a, b);
	return {
		sharedMinutesPerWeek: sharedMinutes(a.week, b.week),
		sharedInterests: sortedIntersection(a.interests, b.interests),
		statementsDiffer: differ,
		statementCount: count,
		placementGap: Math.abs(a.person.placement - b.person.placement)
	};
}

/** Computed for every eligible pair, so it allocates nothing (pairReason is for the chosen few). */
export function pairWeight(a: CompiledPerson, b: CompiledPerson): number {
	const w = WEIGHTS;
	const { differ } = statementsCompared(a, b);
	const waiting = Math.min(a.waitingDays + b.waitingDays, w.maxWaitingDays);
	return (
		w.base +
		Math.abs(a.placement - b.placement) * w.perPlacementPoint +
		differ * w.perStatementDiffering +
		Math.min(countShared(a.interests, b.interests), w.maxSharedInterests) * w.perSharedInterest +
		Math.min(Math.floor(sharedMinutes(a.week, b.week) / 60), w.maxSharedHours) * w.perSharedHour +
		waiting * w.perWaitingDay +
		(a.person.priority ? w.priority : 0) +
		(b.person.priority ? w.priority : 0)
	);
}

function countShared(a: readonly string[], b: readonly string[]): number {
	let n = 0;
	for (const x of a) if (b.includes(x)) n++;
	return n;
}

export function assessPair(
	a: CompiledPerson,
	b: CompiledPerson,
	options: { conversationMinutes: number }
): PairAssessment {
	const block = pairBlock(a, b, options);
	if (block) return { ok: false, block };
	return { ok: true, weight: pairWeight(a, b), reason: pairReason(a, b) };
}
