import { Hono } from 'hono';
import * as v from 'valibot';
import { summarizeReflections } from '../../../src/lib/core/reflection-summary.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { requireRole, signedInUser } from '../http/session.ts';

const Baseline = v.object({ thermometer: v.optional(v.number()) });

/**
 * GET /api/reflections/summary: the change in the feeling thermometer from sign-up to after the
 * conversation, per community. Coordinators see it per community; partner organizations see one
 * aggregate over their own constituents only and never an individual answer (issue #6, "Who sees what").
 */
export function reflectionRoutes({ store }: AppDeps) {
	return new Hono<AppEnv>().get('/summary', requireRole('coordinator', 'partner_staff'), async (c) => {
		const user = signedInUser(c);
		const rows = await store.reflections.listWithBaseline();
		const withBaseline = rows.map((r) => {
			const parsed = v.safeParse(Baseline, r.answersJson ? JSON.parse(r.answersJson) : {});
			return {
				communityId: r.communityId,
				organizationId: r.organizationId,
				before: parsed.success ? parsed.output.thermometer : undefined,
				after: r.thermometer,
				again: r.again
			};
		});
		if (user.role === 'coordinator') return c.json(summarizeReflections(withBaseline, (r) => r.communityId));
		const me = await store.users.findById(user.userId);
		const own = withBaseline.filter(
			(r) => me?.partnerOrganizationId && r.organizationId === me.partnerOrganizationId
		);
		return c.json(summarizeReflections(own, () => 'all'));
	});
}
