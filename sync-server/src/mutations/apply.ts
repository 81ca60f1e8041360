import * as v from 'valibot';
import { AnyMutationResponse, type Mutation } from '../../../src/lib/contracts/mutations.ts';
import { createSession } from '../auth/sessions.ts';
import { randomToken, sha256 } from '../auth/tokens.ts';
import type { AppDeps } from '../deps.ts';
import { MESSAGES } from '../http/errors.ts';
import { accept, reject, type Outcome } from '../outcome.ts';
import type { KioskRecord, Repos, SessionUser } from '../store/types.ts';
import { applyConsent, applyReflection } from './consent.ts';
import { payloadHash } from './payload-hash.ts';
import { openResult, sealResult } from './sealed-result.ts';
import { applySignup, type SignedUp } from './signup.ts';

export interface AppliedMutation {
	response: AnyMutationResponse;
	/** Sign-up signs the person in, on the first attempt and on every replay. Other mutations need a session already. */
	sessionId?: string;
	/** The mutation's own effect was written now (not a replay). */
	fresh: boolean;
	/** A sign-up that enrolled someone now: the partner organization it credited, if any. */
	enrolled?: SignedUp['enrolled'];
}

const CONFLICT_MESSAGE =
	'We already received a different change under the same id, so this one was not saved. Reload the app; your saved answers will be shown.';

type Result = AnyMutationResponse['result'];

/** The enrolled kiosk a mutation came through, authenticated by its device token (never the body). */
export type MutationKiosk = Pick<KioskRecord, 'partnerOrganizationId'>;

/** Writes the mutation's effect; returns who it belongs to and what to answer. */
async function applyEffect(
	repos: Repos,
	{
		deps,
		mutation,
		user,
		kiosk,
		now
	}: { deps: AppDeps; mutation: Mutation; user: SessionUser | undefined; kiosk?: MutationKiosk; now: Date }
): Promise<Outcome<Pick<SignedUp, 'userId' | 'decoy' | 'enrolled'> & { result: Result }>> {
	if (mutation.type === 'signup') {
		const mayMail = async (email: string) =>
			(await deps.limiters.emailLink.attempt(`email:${email}`)).allowed;
		return applySignup(repos, {
			env: deps.env,
			payload: mutation.payload,
			now,
			mayMail,
			kioskOrganizationId: kiosk?.partnerOrganizationId
		});
	}
	if (!user) return reject({ code: 'unauthenticated', message: MESSAGES.unauthenticated });
	const applied =
		mutation.type === 'consent'
			? await applyConsent(repos, { user, payload: mutation.payload, now })
			: await applyReflection(repos, { user, payload: mutation.payload, now });
	return applied.ok ? accept({ userId: user.userId, result: applied.value }) : applied;
}

/**
 * Applies an outbox mutation at most once, in one transaction with its effects: a replay of the
 * same id and payload returns the first result; the same id with another payload is a conflict.
 */
export async function applyMutation(
	deps: AppDeps,
	mutation: Mutation,
	user?: SessionUser,
	kiosk?: MutationKiosk
): Promise<Outcome<AppliedMutation>> {
	const { store, clock, env } = deps;
	const idHash = sha256(mutation.id);
	const hash = payloadHash(mutation.type, mutation.payload);
	const resultSchema = AnyMutationResponse.entries.result;
	const outcome = await store.transaction(async (repos): Promise<Outcome<AppliedMutation>> => {
		const now = clock();
		const seen = await repos.mutations.find(idHash);
		if (seen) {
			const sameAuthor = mutation.type === 'signup' || seen.userId === user?.userId;
			if (seen.type !== mutation.type || seen.payloadHash !== hash || !sameAuthor) {
				return reject({ code: 'mutation_conflict', message: CONFLICT_MESSAGE });
			}
			const stored = JSON.parse(openResult(seen.resultJson, mutation.id)) as Record<string, unknown>;
			const decoy = 'decoy' in stored;
			const result = v.parse(resultSchema, decoy ? stored.decoy : stored);
			const sessionId =
				mutation.type !== 'signup'
					? undefined
					: decoy
						? randomToken()
						: await createSession(repos, { userId: seen.userId, now, env });
			return accept({ response: { id: mutation.id, status: 'replayed', result }, sessionId, fresh: false });
		}
		const applied = await applyEffect(repos, { deps, mutation, user, kiosk, now });
		if (!applied.ok) return applied;
		const { userId, result, decoy, enrolled } = applied.value;
		await repos.mutations.record({
			idHash,
			userId,
			type: mutation.type,
			payloadHash: hash,
			resultJson: sealResult(JSON.stringify(decoy ? { decoy: result } : result), mutation.id),
			now
		});
		// A decoy's session cookie is a random value no session has: it looks the same and opens nothing.
		const sessionId =
			mutation.type !== 'signup'
				? undefined
				: decoy
					? randomToken()
					: await createSession(repos, { userId, now, env });
		return accept({
			response: { id: mutation.id, status: 'applied', result },
			sessionId,
			fresh: true,
			enrolled
		});
	});
	if (outcome.ok && outcome.value.fresh && mutation.type === 'signup') void deps.mailer.flush();
	return outcome;
}
