import { Hono } from 'hono';
import * as v from 'valibot';
import { AnyMutationResponse, Mutation } from '../../../src/lib/contracts/mutations.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { unwrap } from '../http/errors.ts';
import { currentUser, setSessionCookie } from '../http/session.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';
import { applyMutation } from '../mutations/apply.ts';

export function mutationRoutes(deps: AppDeps) {
	return new Hono<AppEnv>().post('/', async (c) => {
		const mutation = parseOrThrow(Mutation, await readJson(c), { fieldPrefix: 'payload' });
		// Sign-up needs no session; consent and reflection answer for the signed-in person.
		const user = mutation.type === 'signup' ? undefined : await currentUser(c);
		const { response, sessionId, fresh } = unwrap(await applyMutation(deps, mutation, user));
		if (sessionId) setSessionCookie(c, sessionId);
		if (fresh && mutation.type === 'consent') deps.media?.consentChanged(mutation.payload.conversationId);
		return c.json(v.parse(AnyMutationResponse, response), response.status === 'applied' ? 201 : 200);
	});
}
