import * as v from 'valibot';
import { SignupResult, type Mutation, type MutationResponse } from '../../../src/lib/contracts/mutations.ts';
import { createSession } from '../auth/sessions.ts';
import { sha256 } from '../auth/tokens.ts';
import type { AppDeps } from '../deps.ts';
import { accept, reject, type Outcome } from '../outcome.ts';
import { payloadHash } from './payload-hash.ts';
import { openResult, sealResult } from './sealed-result.ts';
import { applySignup } from './signup.ts';

export interface AppliedMutation {
	response: MutationResponse;
	/** Sign-up signs the person in, on the first attempt and on every replay. */
	sessionId: string;
}

const CONFLICT_MESSAGE =
	'We already received a different change under the same id, so this one was not saved. Reload the app; your saved answers will be shown.';

/**
 * Applies an outbox mutation at most once, in one transaction with its effects: a replay of the
 * same id and payload returns the first result; the same id with another payload is a conflict.
 */
export async function applyMutation(deps: AppDeps, mutation: Mutation): Promise<Outcome<AppliedMutation>> {
	const { store, clock, env } = deps;
	const idHash = sha256(mutation.id);
	const hash = payloadHash(mutation.type, mutation.payload);
	const outcome = await store.transaction(
		async (repos): Promise<Outcome<AppliedMutation & { fresh: boolean }>> => {
			const now = clock();
			const seen = await repos.mutations.find(idHash);
			if (seen) {
				if (seen.type !== mutation.type || seen.payloadHash !== hash) {
					return reject({ code: 'mutation_conflict', message: CONFLICT_MESSAGE });
				}
				const result = v.parse(SignupResult, JSON.parse(openResult(seen.resultJson, mutation.id)));
				const sessionId = await createSession(repos, { userId: seen.userId, now, env });
				return accept({ response: { id: mutation.id, status: 'replayed', result }, sessionId, fresh: false });
			}
			const applied = await applySignup(repos, { env, payload: mutation.payload, now });
			if (!applied.ok) return applied;
			const { userId, result } = applied.value;
			await repos.mutations.record({
				idHash,
				userId,
				type: mutation.type,
				payloadHash: hash,
				resultJson: sealResult(JSON.stringify(result), mutation.id),
				now
			});
			const sessionId = await createSession(repos, { userId, now, env });
			return accept({ response: { id: mutation.id, status: 'applied', result }, sessionId, fresh: true });
		}
	);
	if (!outcome.ok) return outcome;
	if (outcome.value.fresh) void deps.mailer.flush();
	return accept({ response: outcome.value.response, sessionId: outcome.value.sessionId });
}
