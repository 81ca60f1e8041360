import { Hono } from 'hono';
import * as v from 'valibot';
import { Community } from '../../../src/lib/contracts/auth.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';

/** Public: the sign-up form lists communities before anyone has an account. */
export function communityRoutes({ store }: AppDeps) {
	return new Hono<AppEnv>().get('/', async (c) => {
		const communities = await store.communities.list();
		return c.json(
			v.parse(
				v.array(Community),
				communities.map(({ id, name, timeZone }) => ({ id, name, timeZone }))
			)
		);
	});
}
