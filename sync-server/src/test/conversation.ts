import type { Role } from '../../../src/lib/contracts/auth.ts';
import { createSession } from '../auth/sessions.ts';
import { sessionCookieName } from '../http/session.ts';
import { uniqueEmail } from './factories.ts';
import type { TestApp } from './harness.ts';

export type Person = { userId: string; cookie: string; email: string; firstName: string };

/** A signed-in person with a known user id (signInAs only returns the cookie). */
export async function person(t: TestApp, role: Role, firstName: string): Promise<Person> {
	const email = uniqueEmail(firstName.toLowerCase());
	const { userId, sessionId } = await t.store.transaction(async (repos) => {
		const now = t.clock();
		const user = await repos.users.create({
			role,
			email,
			firstName,
			lastName: 'Example',
			phone: null,
			language: 'en',
			partnerOrganizationId: null,
			personalCodeHash: null,
			now
		});
		return { userId: user.id, sessionId: await createSession(repos, { userId: user.id, now, env: t.env }) };
	});
	return { userId, cookie: `${sessionCookieName(t.env)}=${sessionId}`, email, firstName };
}

/** A recorded conversation between Ana and Ben, plus a stranger and a coordinator. */
export async function recordedConversation(
	t: TestApp,
	{ status = 'recorded' }: { status?: 'recorded' | 'scheduled' } = {}
) {
	const ana = await person(t, 'participant', 'Ana');
	const ben = await person(t, 'participant', 'Ben');
	const eve = await person(t, 'participant', 'Eve');
	const coordinator = await person(t, 'coordinator', 'Cora');
	const conversation = await t.store.conversations.create({
		communityId: t.community.id,
		participantIds: [ana.userId, ben.userId],
		status,
		now: t.clock()
	});
	return { ana, ben, eve, coordinator, conversation };
}
