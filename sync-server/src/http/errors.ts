import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError, ErrorCode } from '../../../src/lib/contracts/errors.ts';
import type { Logger } from '../log.ts';
import type { Outcome, Rejection } from '../outcome.ts';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
	bad_json: 400,
	body_too_large: 413,
	validation_failed: 400,
	unknown_community: 400,
	unknown_invite_code: 400,
	email_in_use: 409,
	mutation_conflict: 409,
	link_invalid: 400,
	link_expired: 410,
	link_used: 410,
	code_invalid: 401,
	rate_limited: 429,
	unauthenticated: 401,
	forbidden: 403,
	not_found: 404,
	match_rule: 409,
	wrong_state: 409,
	too_early: 409,
	csrf_rejected: 403,
	kiosk_code_invalid: 400,
	kiosk_revoked: 401,
	sealed_unreadable: 400,
	sealed_incomplete: 409,
	checksum_mismatch: 422,
	consent_text_changed: 409,
	consent_missing: 403,
	not_ready: 409,
	internal: 500
};

/** The one error type routes throw. `code` is for programs, `message` is for people; the code fixes the status. */
export class AppError extends Error {
	readonly status: ContentfulStatusCode;
	readonly code: ErrorCode;
	readonly fields: Record<string, string> | undefined;
	readonly retryAfterSeconds: number | undefined;

	constructor(
		code: ErrorCode,
		message: string,
		options: Pick<Rejection, 'fields' | 'retryAfterSeconds'> = {}
	) {
		super(message);
		this.name = 'AppError';
		this.status = STATUS[code];
		this.code = code;
		this.fields = options.fields;
		this.retryAfterSeconds = options.retryAfterSeconds;
	}

	static from(rejection: Rejection): AppError {
		return new AppError(rejection.code, rejection.message, rejection);
	}
}

/** Returns the value of an accepted outcome; throws the rejection as an AppError. */
export function unwrap<T>(outcome: Outcome<T>): T {
	if (!outcome.ok) throw AppError.from(outcome.rejection);
	return outcome.value;
}

export const MESSAGES = {
	internal:
		'Something went wrong on our side. Nothing you entered is lost: please try again in a minute, and tell the organizers if it keeps happening.',
	notFound: 'There is nothing at this address. Check the link, or go back to the start page.',
	unauthenticated: 'Please sign in first: use the link in your email or your personal code.',
	forbidden: 'Your account cannot do this. If you think it should, ask the program coordinator.',
	notYourTrack:
		'This track belongs to someone else. Each person sends only their own recording: reload the app and it will try again.'
} as const;

function errorBody(c: Context, code: ErrorCode, message: string, fields?: Record<string, string>): ApiError {
	const body: ApiError = { code, message, requestId: c.get('requestId') as string | undefined };
	if (fields && Object.keys(fields).length > 0) body.fields = fields;
	return body;
}

export function createErrorHandler(log: Logger): ErrorHandler {
	return (err, c) => {
		if (err instanceof AppError) {
			if (err.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.retryAfterSeconds));
			return c.json(errorBody(c, err.code, err.message, err.fields), err.status);
		}
		// Hono's own exceptions are client errors (e.g. a malformed URL); never show their text or stack.
		if (err instanceof HTTPException && err.status < 500) {
			return c.json(
				errorBody(c, 'validation_failed', 'The request could not be read. Reload the page and try again.'),
				400
			);
		}
		log.error('unhandled error', { requestId: c.get('requestId'), path: c.req.path, error: err });
		return c.json(errorBody(c, 'internal', MESSAGES.internal), 500);
	};
}

export const notFound: NotFoundHandler = (c) => c.json(errorBody(c, 'not_found', MESSAGES.notFound), 404);
