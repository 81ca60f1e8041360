import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import QRCode from 'qrcode';
import * as v from 'valibot';
import {
	CommunityBody,
	CommunityInfo,
	OrganizationBody,
	OrganizationInfo,
	StaffBody
} from '../../../src/lib/contracts/matching.ts';
import { issueSignInLink } from '../auth/sessions.ts';
import type { AppDeps } from '../deps.ts';
import { isTimeZone } from '../env.ts';
import type { AppEnv } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { requireRole } from '../http/session.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';
import { staffInviteEmail } from '../mail/matching-templates.ts';
import type { CommunityRecord, OrganizationRecord } from '../store/types.ts';

const communityInfo = (c: CommunityRecord) =>
	v.parse(CommunityInfo, {
		id: c.id,
		name: c.name,
		timeZone: c.timeZone,
		conversationMinutes: c.conversationMinutes,
		matchingMode: c.matchingMode
	});

/** The coordinator's program setup: communities, partner organizations, their invites and staff. */
export function coordinatorProgramRoutes(deps: AppDeps) {
	const { store, clock, env } = deps;
	const organizationInfo = (o: OrganizationRecord) =>
		v.parse(OrganizationInfo, {
			id: o.id,
			name: o.name,
			description: o.description,
			politicalBackground: o.politicalBackground,
			inviteCode: o.inviteCode,
			inviteUrl: `${env.publicUrl}/join/${o.inviteCode}`
		});
	const findOrganization = async (id: string) => {
		const organization = await store.organizations.findById(id);
		if (!organization)
			throw new AppError('not_found', 'This partner organization does not exist. Reload the list.');
		return organization;
	};

	return new Hono<AppEnv>()
		.use(requireRole('coordinator'))
		.get('/communities', async (c) => c.json((await store.communities.list()).map(communityInfo)))
		.post('/communities', async (c) => {
			const body = parseOrThrow(CommunityBody, await readJson(c));
			if (!isTimeZone(body.timeZone))
				throw new AppError('validation_failed', 'Choose a time zone like America/Chicago.', {
					fields: { timeZone: 'Choose a time zone like America/Chicago.' }
				});
			const community = await store.transaction(async (repos) => {
				if (await repos.communities.findByName(body.name))
					throw new AppError('validation_failed', 'A community with this name exists already.', {
						fields: { name: 'A community with this name exists already.' }
					});
				return repos.communities.create({ ...body, now: clock() });
			});
			return c.json(communityInfo(community), 201);
		})
		.get('/organizations', async (c) => c.json((await store.organizations.list()).map(organizationInfo)))
		.post('/organizations', async (c) => {
			const body = parseOrThrow(OrganizationBody, await readJson(c));
			const inviteCode = body.inviteCode ?? randomBytes(4).toString('hex').toUpperCase();
			const organization = await store.transaction(async (repos) => {
				if (await repos.organizations.findByInviteCode(inviteCode))
					throw new AppError('validation_failed', 'This invite code is taken. Choose another.', {
						fields: { inviteCode: 'This invite code is taken. Choose another.' }
					});
				return repos.organizations.create({ ...body, inviteCode, now: clock() });
			});
			return c.json(organizationInfo(organization), 201);
		})
		.get('/organizations/:id/qr.svg', async (c) => {
			const organization = await findOrganization(c.req.param('id'));
			const svg = await QRCode.toString(`${env.publicUrl}/join/${organization.inviteCode}`, {
				type: 'svg',
				margin: 2,
				errorCorrectionLevel: 'M'
			});
			return c.body(svg, 200, { 'Content-Type': 'image/svg+xml' });
		})
		.post('/organizations/:id/staff', async (c) => {
			const organization = await findOrganization(c.req.param('id'));
			const body = parseOrThrow(StaffBody, await readJson(c));
			await store.transaction(async (repos) => {
				const now = clock();
				if (await repos.users.findByEmail(body.email))
					throw new AppError('email_in_use', 'There is already an account with this email address.', {
						fields: { email: 'There is already an account with this email address.' }
					});
				const user = await repos.users.create({
					role: 'partner_staff',
					email: body.email,
					firstName: body.firstName,
					lastName: '',
					phone: null,
					language: 'en',
					partnerOrganizationId: organization.id,
					personalCodeHash: null,
					now
				});
				const signInUrl = await issueSignInLink(repos, {
					userId: user.id,
					now,
					ttlMinutes: env.signInLinkTtlMinutes,
					publicUrl: env.publicUrl
				});
				await repos.mail.enqueue(
					staffInviteEmail({
						to: body.email,
						firstName: body.firstName,
						organizationName: organization.name,
						signInUrl,
						language: user.language
					}),
					now
				);
			});
			void deps.mailer.flush();
			return c.body(null, 204);
		});
}
