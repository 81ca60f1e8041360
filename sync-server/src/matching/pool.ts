import * as v from 'valibot';
import { Questionnaire } from '../../../src/lib/contracts/questionnaire.ts';
import type { ParticipantDirectoryEntry, Repos } from '../store/types.ts';
import type { MatchPerson } from './person.ts';

/** The answers matching reads, out of the stored questionnaire (validated in full at sign-up). */
const MatchAnswers = v.object({
	languages: Questionnaire.entries.languages,
	politicalPlacement: Questionnaire.entries.politicalPlacement,
	issueStances: Questionnaire.entries.issueStances,
	interests: Questionnaire.entries.interests,
	availability: Questionnaire.entries.availability
});
export type MatchAnswers = v.InferOutput<typeof MatchAnswers>;

export function matchAnswers(answersJson: string): MatchAnswers {
	return v.parse(MatchAnswers, JSON.parse(answersJson));
}

/** Everyone in the community as the engine sees them; the engine itself skips who is not ready. */
export async function loadPool(repos: Repos, communityId: string): Promise<MatchPerson[]> {
	const [people, active, pastPairs] = await Promise.all([
		repos.participants.listDirectory({ communityId, limit: 1_000_000 }),
		repos.matching.activeParticipantIds(),
		repos.matching.pastPairs(communityId)
	]);
	const avoid = new Map<string, string[]>();
	for (const [a, b] of pastPairs) {
		avoid.set(a, [...(avoid.get(a) ?? []), b]);
		avoid.set(b, [...(avoid.get(b) ?? []), a]);
	}
	return people.map((p) =>
		toMatchPerson(p, { active: active.has(p.userId), avoid: avoid.get(p.userId) ?? [] })
	);
}

export function toMatchPerson(
	p: ParticipantDirectoryEntry,
	{ active, avoid }: { active: boolean; avoid: string[] }
): MatchPerson {
	const answers = matchAnswers(p.answersJson);
	return {
		id: p.userId,
		communityId: p.communityId,
		languages: answers.languages,
		lastName: p.lastName,
		email: p.email ?? '',
		phone: p.phone,
		placement: answers.politicalPlacement,
		stances: answers.issueStances,
		interests: answers.interests,
		availability: answers.availability,
		waitingSince: p.waitingSince ?? p.createdAt,
		priority: p.rematchPriority,
		oriented: p.orientedAt !== null,
		hasActiveMatch: active,
		avoid
	};
}
