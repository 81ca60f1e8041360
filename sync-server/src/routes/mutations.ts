import { Hono } from 'hono';
import * as v from 'valibot';
import { Mutation, MutationResponse } from '../../../src/lib/contracts/mutations.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { unwrap } from '../http/errors.ts';
import { setSessionCookie } from '../http/session.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';
import { applyMutation } from '../mutations/apply.ts';

export function mutationRoutes(deps: AppDeps) {
	return new Hono<AppEnv>().post('/', async (c) => {
		const mutation = parseOrThrow(Mutation, await readJson(c), { fieldPrefix: 'payload' });
		const { response, sessionId } = unwrap(await applyMutation(deps, mutation));
		setSessionCookie(c, sessionId);
		return c.json(v.parse(MutationResponse, response), response.status === 'applied' ? 201 : 200);
	});
}
