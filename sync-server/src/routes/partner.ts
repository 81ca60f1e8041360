import { Hono } from 'hono';
import * as v from 'valibot';
import { PartnerDashboard } from '../../../src/lib/contracts/matching.ts';
import type { AppDeps } from '../deps.ts';
import type { AppContext, AppEnv } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { requireRole, signedInUser } from '../http/session.ts';
import { funnelOf, progressOf } from '../reports/progress.ts';

/**
 * The partner-organization dashboard (issue #3): only the staff member's own organization's people,
 * their progress and who needs a nudge. No autobiography and no recording is ever read here.
 */
export function partnerRoutes(deps: AppDeps) {
	const { store, clock, env } = deps;

	const dashboard = async (c: AppContext) => {
		const user = await store.users.findById(signedInUser(c).userId);
		const organization = user?.partnerOrganizationId
			? await store.organizations.findById(user.partnerOrganizationId)
			: undefined;
		if (!organization)
			throw new AppError(
				'forbidden',
				'Your account is not linked to a partner organization. Ask the coordinator.'
			);
		const progress = await progressOf(store, { partnerOrganizationId: organization.id, now: clock() });
		return v.parse(PartnerDashboard, {
			organization: {
				name: organization.name,
				inviteUrl: `${env.publicUrl}/join/${organization.inviteCode}`
			},
			funnel: funnelOf(progress),
			people: progress.map(({ person, stage, nudge }) => ({
				firstName: person.firstName,
				lastName: person.lastName,
				email: person.email,
				stage,
				needsNudge: nudge,
				signedUpAt: person.createdAt
			}))
		});
	};

	return new Hono<AppEnv>()
		.use(requireRole('partner_staff'))
		.get('/dashboard', async (c) => c.json(await dashboard(c)))
		.get('/export.csv', async (c) => {
			const { people, organization } = await dashboard(c);
			const rows = [
				['first_name', 'last_name', 'email', 'stage', 'needs_nudge', 'signed_up_at'],
				...people.map((p) => [
					p.firstName,
					p.lastName,
					p.email ?? '',
					p.stage,
					p.needsNudge ?? '',
					p.signedUpAt
				])
			];
			const filename = `${organization.name.replace(/[^\w-]+/g, '-').toLowerCase()}-progress.csv`;
			return c.body(`${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`, 200, {
				'Content-Type': 'text/csv; charset=utf-8',
				'Content-Disposition': `attachment; filename="${filename}"`
			});
		});
}

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
export function csvCell(value: string): string {
	const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
