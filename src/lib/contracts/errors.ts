import * as v from 'valibot';

/** Machine-readable error codes. Every 4xx/5xx body is `{code, message, requestId, fields?}`. */
export const ERROR_CODES = [
	'bad_json',
	'body_too_large',
	'validation_failed',
	'unknown_community',
	'unknown_invite_code',
	'email_in_use',
	'mutation_conflict',
	'link_invalid',
	'link_expired',
	'link_used',
	'code_invalid',
	'rate_limited',
	'unauthenticated',
	'forbidden',
	'not_found',
	'csrf_rejected',
	'internal'
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ApiError = v.object({
	code: v.picklist(ERROR_CODES),
	message: v.string(),
	requestId: v.optional(v.string()),
	/** Field path (dot-separated, as in valibot's flatten) → message shown next to that field. */
	fields: v.optional(v.record(v.string(), v.string()))
});
export type ApiError = v.InferOutput<typeof ApiError>;

/** Flattens valibot issues to `{ "a.b": "message" }`, one message per field. */
export function fieldErrors(issues: readonly v.BaseIssue<unknown>[]): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const issue of issues) {
		const key = v.getDotPath(issue) ?? '_';
		fields[key] ??= issue.message;
	}
	return fields;
}
