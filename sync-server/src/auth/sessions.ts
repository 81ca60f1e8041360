import { addDays, addMinutes } from '../clock.ts';
import type { Env } from '../env.ts';
import type { Repos } from '../store/types.ts';
import { randomToken, sha256 } from './tokens.ts';

/** Creates a session row and returns the raw id for the cookie; only its hash is stored. */
export async function createSession(
	repos: Repos,
	{ userId, now, env }: { userId: string; now: Date; env: Env }
): Promise<string> {
	const sessionId = randomToken();
	await repos.auth.createSession({
		idHash: sha256(sessionId),
		userId,
		now,
		expiresAt: addDays(now, env.sessionTtlDays)
	});
	return sessionId;
}

/** A single-use sign-in link. It is opened by the client page /signin, which POSTs the token. */
export async function issueSignInLink(
	repos: Repos,
	{ userId, now, ttlMinutes, publicUrl }: { userId: string; now: Date; ttlMinutes: number; publicUrl: string }
): Promise<string> {
	const token = randomToken();
	await repos.auth.createSignInToken({
		tokenHash: sha256(token),
		userId,
		now,
		expiresAt: addMinutes(now, ttlMinutes)
	});
	return `${publicUrl}/signin?token=${token}`;
}
