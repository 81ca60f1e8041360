import { Hono } from 'hono';
import * as v from 'valibot';
import { Me } from '../../../src/lib/contracts/auth.ts';
import type { AppEnv } from '../http/context.ts';
import { requireRole, signedInUser } from '../http/session.ts';

export function meRoutes() {
	return new Hono<AppEnv>().get('/', requireRole(), (c) => c.json(v.parse(Me, signedInUser(c))));
}
