import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// The service worker and the HTML shell must be revalidated, or an old app version would stick.
const REVALIDATE = 'no-cache';

function withCaching(res: Response, path: string): Response {
	res.headers.set('Cache-Control', path.startsWith('/_app/immutable/') ? IMMUTABLE : REVALIDATE);
	return res;
}

function isNavigation(c: Context): boolean {
	const lastSegment = c.req.path.split('/').pop() ?? '';
	return !lastSegment.includes('.') || (c.req.header('accept') ?? '').includes('text/html');
}

/**
 * Serves the built SPA from `staticDir`, answering navigations to unknown paths with 200.html so
 * client-side routes (/signin, /join/CODE, …) load offline-capable shells. /api and /dev never fall
 * back: a missing API route must stay a JSON 404.
 */
export function spa({ staticDir }: { staticDir: string }): MiddlewareHandler<AppEnv> {
	const root = resolve(staticDir);
	if (!existsSync(root)) return async (c, next) => (isReserved(c.req.path) ? next() : notBuilt(c));
	const files = serveStatic<AppEnv>({ root });
	const shell = serveStatic<AppEnv>({ root, path: '200.html' });
	return async (c, next) => {
		if (isReserved(c.req.path)) return next();
		const found = await files(c, async () => {});
		if (found) return withCaching(found, c.req.path);
		if (isNavigation(c)) {
			const fallback = await shell(c, async () => {});
			if (fallback) return withCaching(fallback, '/200.html');
		}
		return next();
	};
}

function isReserved(path: string): boolean {
	return path === '/api' || path.startsWith('/api/') || path === '/dev' || path.startsWith('/dev/');
}

function notBuilt(c: Context) {
	if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return c.notFound();
	return c.text('The web app has not been built yet. Run `npm run build`, then restart the server.', 503, {
		'Cache-Control': 'no-store'
	});
}
