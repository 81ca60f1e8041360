import type { PairReason } from '$lib/contracts/matching';
import { m } from '$lib/paraglide/messages.js';
import { interestList } from '../interest-labels';

/** "3 hours a week in common · both: gardening · differ on 5 of 7 statements" (issue #3). */
export function reasonLine(reason: PairReason): string {
	const parts = [m.match_reason_hours({ hours: Math.round((reason.sharedMinutesPerWeek / 60) * 10) / 10 })];
	if (reason.sharedInterests.length > 0)
		parts.push(m.match_reason_interests({ list: interestList(reason.sharedInterests) }));
	parts.push(m.match_reason_statements({ differ: reason.statementsDiffer, count: reason.statementCount }));
	if (reason.placementGap >= 2) parts.push(m.match_reason_gap({ gap: reason.placementGap }));
	return parts.join(' · ');
}
