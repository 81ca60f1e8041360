import type { AppDeps } from '../deps.ts';
import type { RateLimiter } from './rate-limit.ts';
import { signInLinkEmail } from '../mail/templates.ts';
import { accept, reject, type Outcome } from '../outcome.ts';
import type { SessionUser } from '../store/types.ts';
import { normalizePersonalCode } from './personal-code.ts';
import { createSession, issueSignInLink } from './sessions.ts';
import { sha256 } from './tokens.ts';

export interface SignedIn {
	sessionId: string;
	user: SessionUser;
}

const NEW_LINK_HINT = 'Ask for a new link on the sign-in page, or sign in with your personal code.';

const LINK_REJECTIONS = {
	invalid: {
		code: 'link_invalid',
		message: `This sign-in link is not valid; it may have been cut short. ${NEW_LINK_HINT}`
	},
	expired: { code: 'link_expired', message: `This sign-in link has expired. ${NEW_LINK_HINT}` },
	used: {
		code: 'link_used',
		message: `This sign-in link has already been used, and each link works once. ${NEW_LINK_HINT}`
	}
} as const;

export async function signInWithLink(
	{ store, clock, env }: AppDeps,
	token: string
): Promise<Outcome<SignedIn>> {
	return store.transaction(async (repos) => {
		const now = clock();
		const consumed = await repos.auth.consumeSignInToken(sha256(token), now);
		if (!consumed.ok) return reject(LINK_REJECTIONS[consumed.reason]);
		return accept(await startSession(repos, consumed.userId, now, env));
	});
}

export const CODE_INVALID_MESSAGE =
	'That personal code did not match. Check it against your welcome email (it looks like K7QM-4XTR) and try again.';

/** The kiosk-wide count of wrong codes (limiters.kioskCodes), also shown to staff. */
export const kioskCodesKey = (kioskId: string) => `kiosk:${kioskId}`;

/**
 * A personal code, limited against guessing: five wrong ones per code, and five per address. At
 * an enrolled kiosk many strangers share one address, so there the count is per visitor instead,
 * under a ceiling for the whole kiosk (issue #13): one visitor's typos never lock out the next.
 */
export async function signInWithCode(
	deps: AppDeps,
	{
		code,
		clientAddress,
		kiosk
	}: { code: string; clientAddress: string; kiosk?: { kioskId: string; visitor: string } }
): Promise<Outcome<SignedIn>> {
	const { store, clock, env, limiters } = deps;
	const normalized = normalizePersonalCode(code);
	const codeKey = `code:${normalized ?? code.toUpperCase()}`;
	const checks: [RateLimiter, string][] = kiosk
		? [
				[limiters.codeSignIn, `kiosk:${kiosk.kioskId}:visitor:${kiosk.visitor}`],
				[limiters.codeSignIn, codeKey],
				[limiters.kioskCodes, kioskCodesKey(kiosk.kioskId)]
			]
		: [
				[limiters.codeSignIn, `address:${clientAddress}`],
				[limiters.codeSignIn, codeKey]
			];
	for (const [limiter, key] of checks) {
		const decision = await limiter.check(key);
		if (!decision.allowed) {
			return reject({
				code: 'rate_limited',
				message: `Too many codes were tried. Please wait ${describeWait(decision.retryAfterSeconds)} and try again, or ask for a sign-in link by email.`,
				retryAfterSeconds: decision.retryAfterSeconds
			});
		}
	}
	const signedIn =
		normalized &&
		(await store.transaction(async (repos) => {
			const user = await repos.users.findByPersonalCodeHash(sha256(normalized));
			return user && startSession(repos, user.id, clock(), env);
		}));
	if (!signedIn) {
		await Promise.all(checks.map(([limiter, key]) => limiter.recordFailure(key)));
		return reject({
			code: 'code_invalid',
			message: CODE_INVALID_MESSAGE,
			fields: { code: CODE_INVALID_MESSAGE }
		});
	}
	// Only the code's counter: resetting the address counter would let one valid code unlock unlimited guesses.
	await limiters.codeSignIn.reset(codeKey);
	return accept(signedIn);
}

/** Queues a sign-in email if the address has an account. Says nothing either way (no account enumeration). */
export async function requestSignInEmail(
	{ store, clock, env, mailer, limiters }: AppDeps,
	email: string
): Promise<void> {
	const key = `email:${email}`;
	if (!(await limiters.emailLink.attempt(key)).allowed) return;
	const queued = await store.transaction(async (repos) => {
		const user = await repos.users.findByEmail(email);
		if (!user?.email) return false;
		const now = clock();
		const signInUrl = await issueSignInLink(repos, {
			userId: user.id,
			now,
			ttlMinutes: env.signInLinkTtlMinutes,
			publicUrl: env.publicUrl
		});
		const message = signInLinkEmail({
			to: user.email,
			firstName: user.firstName,
			signInUrl,
			linkTtlMinutes: env.signInLinkTtlMinutes,
			language: user.language
		});
		await repos.mail.enqueue(message, now);
		return true;
	});
	if (queued) void mailer.flush();
}

async function startSession(
	repos: Parameters<typeof createSession>[0],
	userId: string,
	now: Date,
	env: AppDeps['env']
): Promise<SignedIn> {
	const user = await repos.users.findById(userId);
	if (!user) throw new Error(`sign-in for missing user ${userId}`);
	const sessionId = await createSession(repos, { userId, now, env });
	return { sessionId, user: { userId: user.id, role: user.role, firstName: user.firstName } };
}

function describeWait(seconds: number): string {
	const minutes = Math.ceil(seconds / 60);
	return minutes <= 1 ? 'a minute' : `${minutes} minutes`;
}
