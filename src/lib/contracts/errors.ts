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
	'match_rule',
	'wrong_state',
	'too_early',
	'csrf_rejected',
	'kiosk_code_invalid',
	'kiosk_revoked',
	'sealed_unreadable',
	'sealed_incomplete',
	'checksum_mismatch',
	'consent_text_changed',
	'consent_missing',
	'not_ready',
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

/**
 * Flattens valibot issues to `{ "a.b": "message" }`, one message per field. A missing answer gets a
 * plain message from `missing` (by field path) instead of valibot's "Invalid key: Expected …".
 */
export function fieldErrors(
	issues: readonly v.BaseIssue<unknown>[],
	missing: Readonly<Record<string, () => string>> = {}
): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const issue of issues) {
		const key = v.getDotPath(issue) ?? '_';
		const isMissing = issue.kind === 'schema' && issue.input === undefined && issue.expected?.startsWith('"');
		const say = missing[key] ?? missing[key.split('.')[0] ?? ''];
		fields[key] ??= isMissing && say ? say() : issue.message;
	}
	return fields;
}
