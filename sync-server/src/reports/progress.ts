import { funnelCounts, nudgeFor, stageOf, type Nudge, type Stage } from '../../../src/lib/core/funnel.ts';
import type { ParticipantDirectoryEntry, Repos } from '../store/types.ts';

export interface Progress {
	person: ParticipantDirectoryEntry;
	stage: Stage;
	nudge: Nudge | null;
}

/** Each person's stage in the funnel, for a community or one partner organization's constituents. */
export async function progressOf(
	repos: Repos,
	{
		communityId,
		partnerOrganizationId,
		search,
		now
	}: { communityId?: string; partnerOrganizationId?: string; search?: string; now: Date }
): Promise<Progress[]> {
	const people = await repos.participants.listDirectory({
		communityId,
		partnerOrganizationId,
		search,
		limit: 100_000
	});
	const communities = [...new Set(people.map((p) => p.communityId))];
	const conversations = (
		await Promise.all(communities.map((id) => repos.conversations.listForCommunity(id, { limit: 1_000_000 })))
	).flat();
	const byPerson = new Map<string, typeof conversations>();
	for (const c of conversations)
		for (const id of c.participantIds) byPerson.set(id, [...(byPerson.get(id) ?? []), c]);
	return people.map((person) => {
		const mine = byPerson.get(person.userId) ?? [];
		const who = { id: person.userId, orientedAt: person.orientedAt, createdAt: person.createdAt };
		return { person, stage: stageOf(who, mine), nudge: nudgeFor(who, mine, now) };
	});
}

export function funnelOf(progress: readonly Progress[]) {
	return funnelCounts(progress.map((p) => p.stage));
}
