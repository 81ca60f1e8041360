import type { Context } from 'hono';
import * as v from 'valibot';
import { fieldErrors } from '../../../src/lib/contracts/errors.ts';
import { AppError } from './errors.ts';

export const VALIDATION_MESSAGE =
	'Some answers need another look. Check the highlighted fields and send again.';

/** Reads the body as JSON. Malformed JSON is the client's mistake (400 bad_json), never a 500. */
export async function readJson(c: Context): Promise<unknown> {
	const text = await c.req.text();
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw new AppError('bad_json', 'The request was not valid JSON. Reload the page and try again.');
	}
}

/**
 * Validates with the shared contract. `fieldPrefix` is stripped from field paths so they match the
 * form the person filled in ("payload.email" → "email").
 */
export function parseOrThrow<TSchema extends v.GenericSchema>(
	schema: TSchema,
	input: unknown,
	{ fieldPrefix }: { fieldPrefix?: string } = {}
): v.InferOutput<TSchema> {
	const result = v.safeParse(schema, input, { message: fallbackMessage });
	if (result.success) return result.output;
	const fields: Record<string, string> = {};
	for (const [path, message] of Object.entries(fieldErrors(result.issues))) {
		const key = fieldPrefix && path.startsWith(`${fieldPrefix}.`) ? path.slice(fieldPrefix.length + 1) : path;
		fields[key] = message;
	}
	throw new AppError('validation_failed', VALIDATION_MESSAGE, { fields });
}

/** Plain words for valibot's generic messages; the contracts' own messages always win over these. */
function fallbackMessage(issue: v.BaseIssue<unknown>): string {
	if (issue.kind === 'schema' && issue.expected === 'never') return 'This field is not part of the form.';
	if (issue.received === 'undefined') return 'This answer is required.';
	if (issue.kind === 'schema') return `This answer has the wrong type (expected ${issue.expected}).`;
	return 'This answer is not in the expected format.';
}
