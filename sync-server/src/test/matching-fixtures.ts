import * as v from 'valibot';
import { Questionnaire, type QuestionnaireInput } from '../../../src/lib/contracts/questionnaire.ts';
import { createSession } from '../auth/sessions.ts';
import { sessionCookieName } from '../http/session.ts';
import { enrollParticipant } from '../mutations/signup.ts';
import type { UserRecord } from '../store/types.ts';
import { validQuestionnaire } from './factories.ts';
import type { TestApp } from './harness.ts';

/** A participant signed up through the real enrolment, optionally oriented, with a session cookie. */
export async function participant(
	t: TestApp,
	overrides: Partial<QuestionnaireInput> = {},
	{
		oriented = true,
		communityId = t.community.id,
		partnerOrganizationId = null
	}: { oriented?: boolean; communityId?: string; partnerOrganizationId?: string | null } = {}
): Promise<{ user: UserRecord; cookie: string; answers: QuestionnaireInput }> {
	const answers = validQuestionnaire({ communityId, ...overrides });
	return t.store.transaction(async (repos) => {
		const now = t.clock();
		const { user } = await enrollParticipant(repos, {
			payload: v.parse(Questionnaire, answers),
			partnerOrganizationId,
			now
		});
		if (oriented) await repos.participants.markOriented(user.id, now);
		const sessionId = await createSession(repos, { userId: user.id, now, env: t.env });
		return { user, cookie: `${sessionCookieName(t.env)}=${sessionId}`, answers };
	});
}

/**
 * Two people who may be paired: far apart politically, a shared interest and a shared evening;
 * each, if given, signed up through a partner organization.
 */
export async function matchablePair(
	t: TestApp,
	organizations: { rosa?: string | null; tom?: string | null } = {}
) {
	const rosa = await participant(
		t,
		{
			firstName: 'Rosa',
			lastName: 'Delgado',
			phone: '(205) 555-0101',
			politicalPlacement: 2,
			interests: ['gardening', 'jazz'],
			availability: [{ day: 'tue', start: '18:00', end: '21:00' }]
		},
		{ partnerOrganizationId: organizations.rosa ?? null }
	);
	const tom = await participant(
		t,
		{
			firstName: 'Tom',
			lastName: 'Walker',
			phone: '(205) 555-0202',
			politicalPlacement: 6,
			interests: ['gardening', 'fishing'],
			availability: [{ day: 'tue', start: '17:00', end: '20:00' }],
			autobiography: 'I drive a truck out of Bessemer and keep a vegetable garden behind the house.'
		},
		{ partnerOrganizationId: organizations.tom ?? null }
	);
	return { rosa, tom };
}

export const json = async <T = unknown>(res: Response): Promise<T> => (await res.json()) as T;
