import type { Context } from 'hono';
import * as v from 'valibot';
import { ApiError, type ErrorCode } from '../../../src/lib/contracts/errors.ts';
import { MESSAGES } from '../http/errors.ts';
import type { Logger } from '../log.ts';

const BY_STATUS: Record<number, { code: ErrorCode; message: string }> = {
	400: {
		code: 'validation_failed',
		message: 'The upload request could not be read. The app will try again.'
	},
	403: { code: 'forbidden', message: MESSAGES.forbidden },
	404: {
		code: 'not_found',
		message: 'This upload is not on the server any more. The app will start it again.'
	},
	409: {
		code: 'wrong_state',
		message: 'The app and the server disagree on how much of the file has arrived. The app asks and goes on.'
	},
	410: {
		code: 'not_found',
		message: 'This upload is not on the server any more. The app will start it again.'
	},
	412: {
		code: 'validation_failed',
		message: 'This app speaks another version of the upload protocol. Reload the app.'
	},
	413: { code: 'body_too_large', message: 'This file is larger than the server accepts.' },
	415: {
		code: 'validation_failed',
		message: 'The upload request could not be read. The app will try again.'
	},
	422: {
		code: 'validation_failed',
		message: 'This is not the recording we expected. It will be made and sent again.'
	},
	460: {
		code: 'checksum_mismatch',
		message: 'The file arrived changed on the way. It will be sent again from the start.'
	}
};

const OwnBody = v.object({ message: v.pipe(v.string(), v.minLength(1), v.maxLength(300)) });

/**
 * tus answers its errors in plain text, which can carry internals (`ENOSPC: no space left on
 * device, write …`). Every error leaves here as the app's own body, `{code, message, requestId}`,
 * with tus's status and protocol headers kept (tus-js-client reads those), and the server's own
 * failures are logged with what tus said (issue #13). Messages our own hooks wrote are kept.
 */
export async function asAppError(c: Context, response: Response, log: Logger): Promise<Response> {
	if (response.status < 400) return response;
	const text = await response.text();
	const requestId = c.get('requestId') as string | undefined;
	if (response.status >= 500) {
		log.error('upload failed on the server', {
			requestId,
			path: c.req.path,
			status: response.status,
			tus: text
		});
	}
	const known = BY_STATUS[response.status] ?? {
		code: response.status >= 500 ? 'internal' : 'validation_failed',
		message: response.status >= 500 ? MESSAGES.internal : BY_STATUS[400]!.message
	};
	let message = known.message;
	if (response.status < 500) {
		try {
			const own = v.safeParse(OwnBody, JSON.parse(text));
			if (own.success) message = own.output.message;
		} catch {
			// tus's own plain text: not for people
		}
	}
	const headers = new Headers(response.headers);
	headers.set('content-type', 'application/json');
	headers.delete('content-length');
	const body = v.parse(ApiError, { code: known.code, message, requestId });
	return new Response(JSON.stringify(body), { status: response.status, headers });
}
