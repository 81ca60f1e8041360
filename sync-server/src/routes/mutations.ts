import { Hono } from 'hono';
import { concerned } from '../live/hub.ts';
import { publishProgress } from '../live/progress.ts';
import * as v from 'valibot';
import { KIOSK_TOKEN_HEADER } from '../../../src/lib/contracts/kiosk.ts';
import { AnyMutationResponse, Mutation } from '../../../src/lib/contracts/mutations.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { unwrap } from '../http/errors.ts';
import { currentUser, setSessionCookie } from '../http/session.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';
import { enrolledKioskOf } from '../kiosk/enrollment.ts';
import { applyMutation } from '../mutations/apply.ts';

export function mutationRoutes(deps: AppDeps) {
	return new Hono<AppEnv>().post('/', async (c) => {
		const mutation = parseOrThrow(Mutation, await readJson(c), { fieldPrefix: 'payload' });
		// Sign-up needs no session; consent and reflection answer for the signed-in person.
		const user = mutation.type === 'signup' ? undefined : await currentUser(c);
		// A sign-up at an enrolled kiosk is credited to the kiosk's partner organization (issue #14);
		// an unknown or revoked token credits nobody and does not stop the sign-up.
		const kiosk =
			mutation.type === 'signup'
				? await enrolledKioskOf(deps.store, c.req.header(KIOSK_TOKEN_HEADER))
				: undefined;
		const { response, sessionId, fresh, enrolled } = unwrap(await applyMutation(deps, mutation, user, kiosk));
		if (sessionId) setSessionCookie(c, sessionId);
		// A new sign-up credited to a partner organization shows on its open dashboard (issue #14). A
		// decoy (an address that already had an account) enrolled nobody, so nothing is said.
		if (enrolled) publishProgress(deps.live, [enrolled.partnerOrganizationId]);
		if (fresh && mutation.type === 'consent') {
			const { conversationId } = mutation.payload;
			await deps.media?.consentChanged(conversationId);
			const conversation = await deps.store.conversations.findById(conversationId);
			if (conversation)
				deps.live.publish(concerned(conversation.participantIds), { topic: 'consent', conversationId });
		}
		return c.json(v.parse(AnyMutationResponse, response), response.status === 'applied' ? 201 : 200);
	});
}
