import * as v from 'valibot';
import { Questionnaire } from './questionnaire';

/**
 * Outbox mutations. The client writes each one to Dexie with a client-generated id in the same
 * transaction as its record; the server applies each id at most once (replays return the first result).
 */
export const MutationId = v.pipe(v.string(), v.uuid('A mutation id must be a UUID.'));

export const SignupMutation = v.strictObject({
	id: MutationId,
	type: v.literal('signup'),
	payload: Questionnaire
});

export const Mutation = v.variant('type', [SignupMutation]);
export type Mutation = v.InferOutput<typeof Mutation>;
export type MutationInput = v.InferInput<typeof Mutation>;
export type MutationType = Mutation['type'];

export const SignupResult = v.strictObject({
	participantId: v.string(),
	firstName: v.string(),
	/** Short code the person can write down, e.g. "K7QM-4XTR". Shown once after sign-up. */
	personalCode: v.string(),
	emailSentTo: v.string()
});
export type SignupResult = v.InferOutput<typeof SignupResult>;

export const MutationResponse = v.strictObject({
	id: v.string(),
	/** "applied" the first time; "replayed" when the id was seen before and the stored result is returned. */
	status: v.picklist(['applied', 'replayed']),
	result: SignupResult
});
export type MutationResponse = v.InferOutput<typeof MutationResponse>;
