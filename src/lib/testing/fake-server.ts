import { vi } from 'vitest';

/** One answer of the fake server: a status and a JSON body, or no connection at all. */
export type Reply = { status?: number; body?: unknown } | 'offline';
export type Request = { method: string; path: string; body: unknown };
type Route = Reply | ((request: Request) => Reply);

/**
 * The server, for a state class under test in the browser: `fetch` is replaced by a table of
 * `"METHOD /path?query"` → reply, and every request is kept so a test can check what was sent.
 * A request no route answers gets a 404 and is listed in `unexpected`.
 */
export function fakeServer(routes: Record<string, Route> = {}) {
	const table = new Map(Object.entries(routes));
	const requests: Request[] = [];
	const unexpected: string[] = [];
	const fetcher = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
		const url = new URL(input instanceof Request ? input.url : String(input), location.origin);
		const method = (init.method ?? 'GET').toUpperCase();
		const path = url.pathname + url.search;
		const request = { method, path, body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body };
		requests.push(request);
		const route = table.get(`${method} ${path}`);
		if (route === undefined) unexpected.push(`${method} ${path}`);
		const reply = typeof route === 'function' ? route(request) : (route ?? notFound);
		if (reply === 'offline') throw new TypeError('Failed to fetch');
		const status = reply.status ?? 200;
		if (status === 204) return new Response(null, { status });
		return new Response(JSON.stringify(reply.body ?? null), {
			status,
			headers: { 'content-type': 'application/json' }
		});
	};
	vi.stubGlobal('fetch', fetcher);
	return {
		requests,
		unexpected,
		/** Answers `key` ("METHOD /path") with `route` from now on. */
		on(key: string, route: Route) {
			table.set(key, route);
		},
		/** The requests made to `key` so far. */
		made(key: string): Request[] {
			return requests.filter((r) => `${r.method} ${r.path}` === key);
		}
	};
}

const notFound: Reply = { status: 404, body: { code: 'not_found', message: 'Not found.' } };

/** An error body as the server sends it. */
export function apiError(status: number, code: string, message = code): Reply {
	return { status, body: { code, message } };
}
