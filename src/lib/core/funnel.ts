import type { ConversationStatus } from './conversation-state';

/**
 * The funnel partner organizations and coordinators follow (issue #3): signed up → oriented →
 * matched → scheduled → recorded. Each person counts at every stage they have reached.
 */
export const STAGES = ['signed_up', 'oriented', 'matched', 'scheduled', 'recorded'] as const;
export type Stage = (typeof STAGES)[number];
export type Nudge = 'orientation' | 'respond' | 'pick_time';

export interface FunnelConversation {
	status: ConversationStatus;
	participantIds: readonly [string, string];
	acceptedAt: readonly [string | null, string | null];
	updatedAt: string;
	proposedBy: string | null;
}

export function stageOf(
	person: { id: string; orientedAt: string | null },
	conversations: readonly FunnelConversation[]
): Stage {
	const mine = conversations.filter((c) => c.participantIds.includes(person.id));
	if (mine.some((c) => c.status === 'recorded')) return 'recorded';
	if (mine.some((c) => c.status === 'scheduled')) return 'scheduled';
	if (mine.some((c) => c.status === 'proposed' || c.status === 'accepted')) return 'matched';
	return person.orientedAt ? 'oriented' : 'signed_up';
}

export function funnelCounts(stages: readonly Stage[]): Record<Stage, number> {
	const counts = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
	for (const stage of stages) {
		for (const s of STAGES.slice(0, STAGES.indexOf(stage) + 1)) counts[s] += 1;
	}
	return counts;
}

const DAY = 24 * 60 * 60_000;
/** How long something may wait before the organization is told to nudge the person. */
export const NUDGE_AFTER_DAYS = 3;

/** Who needs a nudge, and about what: the person is the one holding things up. */
export function nudgeFor(
	person: { id: string; orientedAt: string | null; createdAt: string },
	conversations: readonly FunnelConversation[],
	now: Date
): Nudge | null {
	const stale = (iso: string) => now.getTime() - Date.parse(iso) > NUDGE_AFTER_DAYS * DAY;
	if (!person.orientedAt) return stale(person.createdAt) ? 'orientation' : null;
	for (const c of conversations) {
		const me = c.participantIds.indexOf(person.id);
		if (me === -1 || !stale(c.updatedAt)) continue;
		if (c.status === 'proposed' && c.acceptedAt[me] === null) return 'respond';
		if (c.status === 'accepted' && c.proposedBy !== person.id) return 'pick_time';
	}
	return null;
}
