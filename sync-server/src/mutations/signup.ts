import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import type { Questionnaire } from '../../../src/lib/contracts/questionnaire.ts';
import { SignupResult } from '../../../src/lib/contracts/mutations.ts';
import { generatePersonalCode, normalizePersonalCode } from '../auth/personal-code.ts';
import { issueSignInLink } from '../auth/sessions.ts';
import { sha256 } from '../auth/tokens.ts';
import type { Env } from '../env.ts';
import { alreadySignedUpEmail, welcomeEmail } from '../mail/templates.ts';
import { accept, reject, type Outcome } from '../outcome.ts';
import type { OrganizationRecord, Repos, UserRecord } from '../store/types.ts';

export interface SignedUp {
	userId: string;
	result: SignupResult;
	/**
	 * The email already had an account (issue #13). The answer looks like any sign-up's, so that it
	 * tells nobody who has an account, but it signs nobody in: the owner gets a sign-in link by email.
	 */
	decoy?: true;
	/** A new participant, credited to this partner organization (or none): whose dashboard to tell. */
	enrolled?: { partnerOrganizationId: string | null };
}

/** The 'signup' mutation: checks what the schema cannot, then enrols the person and queues the welcome email. */
export async function applySignup(
	repos: Repos,
	{
		env,
		payload,
		now,
		mayMail = async () => true,
		kioskOrganizationId = null
	}: {
		env: Env;
		payload: Questionnaire;
		now: Date;
		/**
		 * The partner organization of the enrolled kiosk the sign-up came from, known from its device
		 * token, never from the body (issue #14). Credited when no invite code was given.
		 */
		kioskOrganizationId?: string | null;
		/** Whether this address may get one more email now (the sign-in email's limit, shared). */
		mayMail?: (email: string) => Promise<boolean>;
	}
): Promise<Outcome<SignedUp>> {
	const community = await repos.communities.findById(payload.communityId);
	if (!community) {
		const message = 'We could not find that community. Choose your community from the list and send again.';
		return reject({ code: 'unknown_community', message, fields: { communityId: message } });
	}
	let organization: OrganizationRecord | undefined;
	if (payload.inviteCode) {
		organization = await repos.organizations.findByInviteCode(payload.inviteCode);
		if (!organization) {
			const message =
				'This invite code does not match any partner organization. Check it with the organization, or leave it empty.';
			return reject({ code: 'unknown_invite_code', message, fields: { inviteCode: message } });
		}
	} else if (kioskOrganizationId) {
		organization = await repos.organizations.findById(kioskOrganizationId);
	}
	const owner = await repos.users.findByEmail(payload.email);
	if (owner) return signedUpAgain(repos, { env, payload, owner, now, mayMail });

	const { user, personalCode } = await enrollParticipant(repos, {
		payload,
		partnerOrganizationId: organization?.id ?? null,
		now
	});
	const signInUrl = await issueSignInLink(repos, {
		userId: user.id,
		now,
		ttlMinutes: env.signInLinkTtlMinutes,
		publicUrl: env.publicUrl
	});
	const message = welcomeEmail({
		to: payload.email,
		firstName: user.firstName,
		communityName: community.name,
		signInUrl,
		personalCode,
		linkTtlMinutes: env.signInLinkTtlMinutes,
		language: user.language,
		orientationUrl: `${env.publicUrl}/orientation`
	});
	await repos.mail.enqueue(message, now);
	const result = v.parse(SignupResult, {
		participantId: user.id,
		firstName: user.firstName,
		personalCode,
		emailSentTo: payload.email
	});
	return accept({ userId: user.id, result, enrolled: { partnerOrganizationId: organization?.id ?? null } });
}

/** Someone signed up with an email that has an account: answer as for a new sign-up, and tell the owner. */
async function signedUpAgain(
	repos: Repos,
	{
		env,
		payload,
		owner,
		now,
		mayMail
	}: {
		env: Env;
		payload: Questionnaire;
		owner: UserRecord;
		now: Date;
		mayMail: (email: string) => Promise<boolean>;
	}
): Promise<Outcome<SignedUp>> {
	if (owner.email && (await mayMail(owner.email))) {
		const signInUrl = await issueSignInLink(repos, {
			userId: owner.id,
			now,
			ttlMinutes: env.signInLinkTtlMinutes,
			publicUrl: env.publicUrl
		});
		const message = alreadySignedUpEmail({
			to: owner.email,
			firstName: owner.firstName,
			signInUrl,
			linkTtlMinutes: env.signInLinkTtlMinutes,
			language: owner.language
		});
		await repos.mail.enqueue(message, now);
	}
	// A code and an id that exist nowhere: they look like a new sign-up's and open nothing.
	const result = v.parse(SignupResult, {
		participantId: randomUUID(),
		firstName: payload.firstName,
		personalCode: generatePersonalCode(),
		emailSentTo: payload.email
	});
	return accept({ userId: owner.id, result, decoy: true });
}

/** Creates the user and participant rows. Shared with the demo seeder, which skips the email. */
export async function enrollParticipant(
	repos: Repos,
	{
		payload,
		partnerOrganizationId,
		now
	}: { payload: Questionnaire; partnerOrganizationId: string | null; now: Date }
): Promise<{ user: UserRecord; personalCode: string }> {
	const user = await createWithUnusedCode(repos, {
		role: 'participant',
		email: payload.email,
		firstName: payload.firstName,
		lastName: payload.lastName,
		phone: payload.phone || null,
		language: payload.uiLanguage,
		partnerOrganizationId: null,
		now
	});
	await repos.participants.create({
		userId: user.record.id,
		communityId: payload.communityId,
		partnerOrganizationId,
		answersJson: JSON.stringify(payload),
		agreementVersion: payload.agreementVersion,
		autobiography: payload.autobiography,
		now
	});
	return { user: user.record, personalCode: user.personalCode };
}

async function createWithUnusedCode(
	repos: Repos,
	input: Omit<Parameters<Repos['users']['createUnlessCodeTaken']>[0], 'personalCodeHash'>
): Promise<{ record: UserRecord; personalCode: string }> {
	// 40 bits: a collision is rare enough that a few tries always suffice.
	for (let attempt = 0; attempt < 5; attempt++) {
		const personalCode = generatePersonalCode();
		const personalCodeHash = sha256(normalizePersonalCode(personalCode) ?? personalCode);
		const record = await repos.users.createUnlessCodeTaken({ ...input, personalCodeHash });
		if (record) return { record, personalCode };
	}
	throw new Error('could not find an unused personal code');
}
