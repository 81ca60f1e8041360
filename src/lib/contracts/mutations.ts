import * as v from 'valibot';
import { ConsentPayload, ConsentResult, ReflectionPayload, ReflectionResult } from './consent';
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

/** A participant's consent answer (issue #6); written locally first, then sent like a sign-up. */
export const ConsentMutation = v.strictObject({
	id: MutationId,
	type: v.literal('consent'),
	payload: ConsentPayload
});

export const ReflectionMutation = v.strictObject({
	id: MutationId,
	type: v.literal('reflection'),
	payload: ReflectionPayload
});

export const Mutation = v.variant('type', [SignupMutation, ConsentMutation, ReflectionMutation]);
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

/** The answer to any mutation: a sign-up's result, or the record of a consent or reflection. */
export const AnyMutationResponse = v.strictObject({
	...MutationResponse.entries,
	result: v.union([SignupResult, ConsentResult, ReflectionResult])
});
export type AnyMutationResponse = v.InferOutput<typeof AnyMutationResponse>;
export type SignupMutationInput = v.InferInput<typeof SignupMutation>;
