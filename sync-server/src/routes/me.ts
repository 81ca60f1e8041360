import { Hono } from 'hono';
import * as v from 'valibot';
import { LanguageChoice, Me, Session } from '../../../src/lib/contracts/auth.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { currentUser, requireRole, signedInUser } from '../http/session.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';

export function meRoutes({ store }: Pick<AppDeps, 'store'>) {
	return new Hono<AppEnv>()
		.get('/', requireRole(), (c) => c.json(v.parse(Me, signedInUser(c))))
		.put('/language', requireRole(), async (c) => {
			const { language } = parseOrThrow(LanguageChoice, await readJson(c));
			await store.users.setLanguage(signedInUser(c).userId, language);
			return c.body(null, 204);
		});
}

/** Asking who is signed in is a normal question on every first visit, so "nobody" is an answer, not a 401. */
export function sessionRoutes() {
	return new Hono<AppEnv>().get('/', async (c) => {
		const user = await currentUser(c);
		return c.json(v.parse(Session, { user: user ? v.parse(Me, user) : null }));
	});
}
