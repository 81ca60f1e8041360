import { Hono } from 'hono';
import * as v from 'valibot';
import { Health } from '../../../src/lib/contracts/auth.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';

/**
 * GET /api/health: 200 only while this instance's database answers, so a load balancer's check
 * (deploy/haproxy.cfg) sends no one to an instance that can't store anything (issue #17). A store
 * that fails is logged and answered `internal`, like any other failure.
 */
export function healthRoutes({ env, store }: AppDeps) {
	return new Hono<AppEnv>().get('/', async (c) => {
		await store.communities.list();
		return c.json(v.parse(Health, { ok: true, version: env.appVersion }));
	});
}
