import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../log.ts';

/** Where browsers post what the policy blocked; the server logs it (issue #13). */
export const CSP_REPORT_PATH = '/csp-reports';

/**
 * The Content-Security-Policy of an HTML page, built from the page itself: each inline `<script>`
 * and `<style>` is allowed by its own sha256, nothing else inline is. Everything else the app
 * needs is its own origin, its own WebSocket endpoints (Yjs, signaling), `blob:` for the audio
 * it records and plays, and `wasm-unsafe-eval` for the ffmpeg encoder.
 *
 * STUN and TURN servers are not listed: no shipping browser applies CSP to ICE traffic, so an
 * entry would allow nothing and block nothing. They reach the browser only through the room
 * answer of a signed-in participant (routes/room.ts).
 */
export function contentSecurityPolicy(
	html: string,
	{ origin, styleAttributes = [] }: { origin: string; styleAttributes?: readonly string[] }
): string {
	const socketOrigin = origin.replace(/^http/, 'ws');
	const hash = (text: string) => `'sha256-${sha256(text)}'`;
	const directives: Record<string, string[]> = {
		'default-src': ["'self'"],
		'script-src': ["'self'", "'wasm-unsafe-eval'", ...inlineBodies(html, 'script').map(hash)],
		'style-src': ["'self'", ...inlineBodies(html, 'style').map(hash)],
		// Style attributes the app's own templates render (SvelteKit's route announcer), each by its hash.
		'style-src-attr': styleAttributes.length ? ["'unsafe-hashes'", ...styleAttributes.map(hash)] : ["'none'"],
		'img-src': ["'self'", 'data:', 'blob:'],
		'media-src': ["'self'", 'blob:'],
		'connect-src': ["'self'", socketOrigin, 'blob:', 'data:'],
		'worker-src': ["'self'", 'blob:'],
		'font-src': ["'self'"],
		'manifest-src': ["'self'"],
		'object-src': ["'none'"],
		'base-uri': ["'none'"],
		'form-action': ["'self'"],
		'frame-ancestors': ["'none'"],
		'report-uri': [CSP_REPORT_PATH]
	};
	return Object.entries(directives)
		.map(([name, sources]) => `${name} ${sources.join(' ')}`)
		.join('; ');
}

/** The text of each inline (src-less) element of one kind, exactly as the browser hashes it. */
function inlineBodies(html: string, tag: 'script' | 'style'): string[] {
	const pattern = new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'gi');
	return [...html.matchAll(pattern)]
		.filter(([, attributes = '']) => !/\ssrc\s*=/i.test(` ${attributes}`))
		.map(([, , body = '']) => body);
}

function sha256(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('base64');
}

/**
 * The literal `style="…"` attributes in the built app's templates. Svelte renders a template by
 * parsing its HTML, so each of these reaches the DOM as an inline style attribute.
 */
export function builtStyleAttributes(staticDir: string): string[] {
	const found = new Set<string>();
	const visit = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) visit(path);
			else if (entry.name.endsWith('.js'))
				for (const [, value = ''] of readFileSync(path, 'utf8').matchAll(/\bstyle="([^"<>]*)"/g))
					found.add(value);
		}
	};
	const built = join(staticDir, '_app', 'immutable');
	if (existsSync(built)) visit(built);
	return [...found].sort();
}

/** Sets the policy on every HTML answer: the app's shell and the development mailbox alike. */
export function cspHeader({
	publicUrl,
	staticDir
}: {
	publicUrl: string;
	staticDir: string;
}): MiddlewareHandler {
	const origin = new URL(publicUrl).origin;
	let styleAttributes: string[] | undefined;
	return async (c, next) => {
		await next();
		if (!(c.res.headers.get('content-type') ?? '').startsWith('text/html')) return;
		const html = c.req.method === 'HEAD' || !c.res.body ? '' : await c.res.clone().text();
		styleAttributes ??= builtStyleAttributes(staticDir);
		c.res.headers.set('Content-Security-Policy', contentSecurityPolicy(html, { origin, styleAttributes }));
	};
}

const REPORTS_PER_MINUTE = 30;

/**
 * Logs what a browser reports the policy blocked (report-uri format), so a page the policy breaks
 * shows up in the server's log. Bounded: at most 30 lines a minute, whatever is posted.
 */
export function cspReports(log: Logger, now: () => number = Date.now): (body: unknown) => void {
	let minute = 0;
	let logged = 0;
	return (body) => {
		const current = Math.floor(now() / 60_000);
		if (current !== minute) [minute, logged] = [current, 0];
		if (++logged > REPORTS_PER_MINUTE) return;
		const report = (body as { 'csp-report'?: Record<string, unknown> } | null)?.['csp-report'] ?? {};
		const field = (name: string) =>
			typeof report[name] === 'string' ? String(report[name]).slice(0, 200) : undefined;
		log.warn('csp_violation', {
			directive: field('effective-directive') ?? field('violated-directive'),
			blocked: withoutQuery(field('blocked-uri')),
			page: withoutQuery(field('document-uri')),
			source: withoutQuery(field('source-file')),
			line: typeof report['line-number'] === 'number' ? report['line-number'] : undefined
		});
	};
}

/** A page's address can carry a sign-in token in its query or fragment: never log either. */
function withoutQuery(address: string | undefined): string | undefined {
	return address?.replace(/[?#].*$/s, '');
}
