import * as v from 'valibot';
import { ApiError } from '../contracts/errors';
import { m } from '../paraglide/messages.js';

/**
 * The one way the client talks to /api. Expected failures come back as values, so callers can show a
 * message; only programming errors throw.
 */
export type ApiResult<T> =
	| { ok: true; status: number; data: T }
	| { ok: false; status: number; error: ApiError }
	| { ok: false; status: 0; error: { code: 'offline'; message: string } };

export const OFFLINE_MESSAGE =
	'No connection right now. Your work is saved on this device and will be sent later.';

const sessionEndedListeners = new Set<() => void>();

/**
 * Calls `listener` whenever an answer says nobody is signed in (the session ended, or never was).
 * The session state listens, so every page learns it from the one place (issue #14).
 */
export function onSessionEnded(listener: () => void): () => void {
	sessionEndedListeners.add(listener);
	return () => sessionEndedListeners.delete(listener);
}

export async function api<T>(
	path: string,
	{
		method = 'GET',
		body,
		schema,
		fetcher = fetch,
		headers = {}
	}: {
		method?: string;
		body?: unknown;
		schema: v.GenericSchema<unknown, T>;
		fetcher?: typeof fetch;
		headers?: Record<string, string>;
	}
): Promise<ApiResult<T>> {
	let response: Response;
	try {
		response = await fetcher(path, {
			method,
			credentials: 'same-origin',
			headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	} catch {
		return { ok: false, status: 0, error: { code: 'offline', message: m.error_offline() } };
	}
	const json: unknown = response.status === 204 ? null : await response.json().catch(() => undefined);
	if (response.ok) {
		const parsed = v.safeParse(schema, json);
		if (parsed.success) return { ok: true, status: response.status, data: parsed.output };
		return {
			ok: false,
			status: response.status,
			error: {
				code: 'internal',
				message: m.error_unreadable()
			}
		};
	}
	const error = v.safeParse(ApiError, json);
	if (error.success && error.output.code === 'unauthenticated')
		for (const listener of sessionEndedListeners) listener();
	return {
		ok: false,
		status: response.status,
		error: error.success
			? error.output
			: {
					code: 'internal',
					message: m.error_server({ status: response.status })
				}
	};
}
