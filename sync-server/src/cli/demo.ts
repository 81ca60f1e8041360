import { pathToFileURL } from 'node:url';
import { addLocalDays, wallClock, zonedInstant } from '../../../src/lib/core/time-zone.ts';
import { issueSignInLink } from '../auth/sessions.ts';
import { EnvError, loadEnv, type Env } from '../env.ts';
import { enrollParticipant } from '../mutations/signup.ts';
import { createLogger } from '../log.ts';
import { openStoreFor } from '../store/open.ts';
import type { Repos } from '../store/types.ts';
import { ensureCoordinator } from './coordinator.ts';
import {
	DEMO_COMMUNITY,
	DEMO_COORDINATOR,
	DEMO_FACILITATOR,
	DEMO_ORGANIZATIONS,
	DEMO_PARTICIPANT_COUNT,
	DEMO_STAFF,
	demoAnswers
} from './demo-data.ts';

const DEMO_LINK_TTL_MINUTES = 7 * 24 * 60;

export interface DemoReport {
	baseUrl: string;
	coordinator: { signInUrl: string };
	participants: { id: string; firstName: string; signInUrl: string }[];
	partnerOrganizations: { name: string; inviteUrl: string }[];
	/** One ready-made conversation, so the question list and the call can be tried before matching runs. */
	conversations: { id: string; participantIds: [string, string] }[];
	/** Issue #3: a staff member of the first partner organization, and a facilitator. */
	partnerStaff: { organizationName: string; signInUrl: string }[];
	facilitator: { signInUrl: string };
}

/** Seeds the demo data (idempotently, keyed by e-mail addresses and invite codes) and issues fresh 7-day links. */
export async function seedDemo({
	env,
	now = new Date()
}: {
	env: Env;
	now?: Date;
}): Promise<DemoReport & { created: number }> {
	// DATABASE_URL set: seeded once into the PostgreSQL every instance reads (issue #17).
	const store = await openStoreFor(env, { log: createLogger({ stream: process.stderr }) });
	try {
		return await store.transaction((repos) => seed(repos, env, now));
	} finally {
		await store.close();
	}
}

async function seed(repos: Repos, env: Env, now: Date): Promise<DemoReport & { created: number }> {
	const link = (userId: string) =>
		issueSignInLink(repos, { userId, now, ttlMinutes: DEMO_LINK_TTL_MINUTES, publicUrl: env.publicUrl });

	const community =
		(await repos.communities.findByName(DEMO_COMMUNITY.name)) ??
		(await repos.communities.create({ ...DEMO_COMMUNITY, now }));
	const organizations = [];
	for (const org of DEMO_ORGANIZATIONS) {
		organizations.push(
			(await repos.organizations.findByInviteCode(org.inviteCode)) ??
				(await repos.organizations.create({ ...org, now }))
		);
	}
	const coordinator = await ensureCoordinator(repos, { ...DEMO_COORDINATOR, now });
	if (!coordinator.ok) throw new Error(coordinator.message);

	let created = 0;
	const participants: DemoReport['participants'] = [];
	for (let i = 0; i < DEMO_PARTICIPANT_COUNT; i++) {
		// Every fourth person came without an invite, like walk-ins at a library.
		const organization = i % 4 === 3 ? undefined : organizations[i % 4];
		const answers = demoAnswers(i, community.id, organization?.inviteCode);
		let user = await repos.users.findByEmail(answers.email);
		if (!user) {
			user = (
				await enrollParticipant(repos, {
					payload: answers,
					partnerOrganizationId: organization?.id ?? null,
					now
				})
			).user;
			created += 1;
		}
		// Most demo people have done the orientation, so matching has a pool; a few still have to.
		if (i % 5 !== 4)
			await repos.participants.markOriented(user.id, new Date(now.getTime() - (i % 9) * DAY_MS));
		participants.push({ id: user.id, firstName: user.firstName, signInUrl: await link(user.id) });
	}
	const staff = await ensureUser(repos, {
		...DEMO_STAFF,
		role: 'partner_staff',
		partnerOrganizationId: organizations[0]!.id,
		now
	});
	const facilitator = await ensureUser(repos, {
		...DEMO_FACILITATOR,
		role: 'facilitator',
		partnerOrganizationId: null,
		now
	});
	const conversation = await demoConversation(repos, {
		communityId: community.id,
		timeZone: community.timeZone,
		participantIds: [participants[0]!.id, participants[1]!.id],
		now
	});
	return {
		baseUrl: env.publicUrl,
		coordinator: { signInUrl: await link(coordinator.user.id) },
		participants,
		partnerOrganizations: organizations.map((o) => ({
			name: o.name,
			inviteUrl: `${env.publicUrl}/join/${o.inviteCode}`
		})),
		conversations: [{ id: conversation.id, participantIds: conversation.participantIds }],
		partnerStaff: [{ organizationName: organizations[0]!.name, signInUrl: await link(staff.id) }],
		facilitator: { signInUrl: await link(facilitator.id) },
		created
	};
}

async function demoConversation(
	repos: Repos,
	{
		communityId,
		timeZone,
		participantIds,
		now
	}: { communityId: string; timeZone: string; participantIds: [string, string]; now: Date }
) {
	const existing = (await repos.conversations.listForUser(participantIds[0])).find((c) =>
		c.participantIds.includes(participantIds[1])
	);
	if (existing) return existing;
	const conversation = await repos.conversations.create({
		communityId,
		participantIds,
		status: 'scheduled',
		inCommon: 'gardening',
		scheduledStart: demoStart(now, timeZone).toISOString(),
		now
	});
	// Its two people are taken: matching runs must not propose them again (issue #3).
	await repos.matching.claim(participantIds, conversation.id);
	return conversation;
}

const DAY_MS = 24 * 60 * 60_000;

/** Tomorrow at 18:00 in the community's time zone: an evening people would pick, not 24 hours from now (issue #14). */
export function demoStart(now: Date, timeZone: string): Date {
	const today = wallClock(now, timeZone);
	return zonedInstant(addLocalDays(today, 1), 18 * 60, timeZone);
}

async function ensureUser(
	repos: Repos,
	input: {
		email: string;
		firstName: string;
		role: 'partner_staff' | 'facilitator';
		partnerOrganizationId: string | null;
		now: Date;
	}
) {
	const existing = await repos.users.findByEmail(input.email);
	if (existing) return existing;
	return repos.users.create({
		...input,
		lastName: '',
		phone: null,
		language: 'en',
		personalCodeHash: null
	});
}

function describe(report: DemoReport & { created: number }, env: Env): string {
	return [
		`Demo data for ${DEMO_COMMUNITY.name} is ready in ${env.dataDir} (${report.created === 0 ? 'already seeded; nothing new' : `${report.created} participants created`}).`,
		`Sign-in links work once each, for 7 days, and point at ${report.baseUrl}. Start the server with the same PORT, PUBLIC_URL and DATA_DIR (\`npm start\`), then open one.`,
		'',
		`Coordinator (${DEMO_COORDINATOR.firstName}, ${DEMO_COORDINATOR.email}):`,
		`  ${report.coordinator.signInUrl}`,
		'',
		`Partner-organization staff (${report.partnerStaff[0]?.organizationName}): ${report.partnerStaff[0]?.signInUrl}`,
		`Facilitator: ${report.facilitator.signInUrl}`,
		'',
		'Partner organization invite links:',
		...report.partnerOrganizations.map((o) => `  ${o.name}: ${o.inviteUrl}`),
		'',
		'Participants:',
		...report.participants.map((p) => `  ${p.firstName.padEnd(8)} ${p.signInUrl}`),
		'',
		'Question list of the demo conversation (sign in as one of its two participants first):',
		...report.conversations.map((c) => `  ${report.baseUrl}/conversations/${c.id}/questions`)
	].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const json = process.argv.includes('--json');
	try {
		const env = loadEnv();
		const report = await seedDemo({ env });
		if (json) {
			const { created: _created, ...exact } = report;
			process.stdout.write(`${JSON.stringify(exact)}\n`);
		} else {
			process.stdout.write(`${describe(report, env)}\n`);
		}
	} catch (error) {
		process.stderr.write(
			`${error instanceof EnvError ? error.message : `The demo could not be seeded: ${(error as Error).message}`}\n`
		);
		process.exitCode = 1;
	}
}
