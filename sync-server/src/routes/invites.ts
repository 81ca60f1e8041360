import { Hono } from 'hono';
import * as v from 'valibot';
import { InviteInfo } from '../../../src/lib/contracts/auth.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { AppError } from '../http/errors.ts';

/** Public: /join/CODE shows which partner organization invited the person. Codes are case-insensitive. */
export function inviteRoutes({ store }: AppDeps) {
	return new Hono<AppEnv>().get('/:code', async (c) => {
		const organization = await store.organizations.findByInviteCode(c.req.param('code'));
		if (!organization) {
			throw new AppError(
				'not_found',
				'This invite code does not match any partner organization. Check the link, or sign up without a code.'
			);
		}
		return c.json(
			v.parse(InviteInfo, { code: organization.inviteCode, organizationName: organization.name })
		);
	});
}
