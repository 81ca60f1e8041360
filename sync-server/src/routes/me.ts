import { Hono } from 'hono';
import * as v from 'valibot';
import { Me, Session } from '../../../src/lib/contracts/auth.ts';
import type { AppEnv } from '../http/context.ts';
import { currentUser, requireRole, signedInUser } from '../http/session.ts';

export function meRoutes() {
	return new Hono<AppEnv>().get('/', requireRole(), (c) => c.json(v.parse(Me, signedInUser(c))));
}

/** Asking who is signed in is a normal question on every first visit, so "nobody" is an answer, not a 401. */
export function sessionRoutes() {
	return new Hono<AppEnv>().get('/', async (c) => {
		const user = await currentUser(c);
		return c.json(v.parse(Session, { user: user ? v.parse(Me, user) : null }));
	});
}
