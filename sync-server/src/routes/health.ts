import { Hono } from 'hono';
import * as v from 'valibot';
import { Health } from '../../../src/lib/contracts/auth.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';

export function healthRoutes({ env }: AppDeps) {
	return new Hono<AppEnv>().get('/', (c) => c.json(v.parse(Health, { ok: true, version: env.appVersion })));
}
