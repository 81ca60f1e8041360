import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, tempDir } from '../test/harness.ts';
import type { Logger } from '../log.ts';
import { contentSecurityPolicy, CSP_REPORT_PATH } from './csp.ts';

const SHELL_SCRIPT = '\n\t\t\t\tstart(document.currentScript.parentElement);\n\t\t\t';
const SHELL = `<!doctype html><html><head><link href="/_app/a.css" rel="stylesheet"><script type="module" src="/_app/x.js"></script></head>
<body><div class="app-root"><script>${SHELL_SCRIPT}</script></div></body></html>`;

function directives(policy: string): Map<string, string[]> {
	return new Map(
		policy.split(';').map((part) => {
			const [name = '', ...sources] = part.trim().split(/\s+/);
			return [name, sources];
		})
	);
}

const ANNOUNCER = 'position: absolute; left: 0; width: 1px';
const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('contentSecurityPolicy', () => {
	it('allows each inline script and style by its hash, and nothing else inline', () => {
		const policy = directives(
			contentSecurityPolicy(`${SHELL}<style>p{color:red}</style>`, { origin: 'https://cg.example.org' })
		);
		expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", sha(SHELL_SCRIPT)]);
		expect(policy.get('style-src')).toEqual(["'self'", sha('p{color:red}')]);
		expect(policy.get('style-src-attr')).toEqual(["'none'"]);
		expect(policy.get('default-src')).toEqual(["'self'"]);
		expect(policy.get('object-src')).toEqual(["'none'"]);
		expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
		expect([...policy.values()].flat()).not.toContain("'unsafe-inline'");
		expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
	});

	it('allows the app its own WebSockets, blob: audio and workers, and nothing from other hosts', () => {
		const policy = directives(contentSecurityPolicy(SHELL, { origin: 'https://cg.example.org' }));
		expect(policy.get('connect-src')).toEqual(["'self'", 'wss://cg.example.org', 'blob:', 'data:']);
		expect(policy.get('media-src')).toEqual(["'self'", 'blob:']);
		expect(policy.get('worker-src')).toEqual(["'self'", 'blob:']);
		const hosts = [...policy.values()].flat().filter((source) => source.includes('://'));
		expect(hosts).toEqual(['wss://cg.example.org']);
	});
});

describe('the Content-Security-Policy header', () => {
	let close: (() => Promise<void>) | undefined;
	afterEach(async () => close?.());

	async function appWithShell(log?: Logger) {
		const staticDir = tempDir('cg-static-');
		mkdirSync(join(staticDir, '_app'));
		writeFileSync(join(staticDir, '200.html'), SHELL);
		mkdirSync(join(staticDir, '_app', 'immutable', 'entry'), { recursive: true });
		writeFileSync(join(staticDir, '_app', 'x.js'), 'export {}');
		writeFileSync(
			join(staticDir, '_app', 'immutable', 'entry', 'app.js'),
			`t(\`<div id="a" style="${ANNOUNCER}"></div>\`)`
		);
		const t = await createTestApp({
			env: { STATIC_DIR: staticDir, NODE_ENV: 'development', PUBLIC_URL: 'http://localhost:8080' },
			log
		});
		close = t.close;
		return t;
	}

	it('is on the app shell, for every client-side route, with the shell script hashed', async () => {
		const t = await appWithShell();
		for (const path of ['/', '/signin', '/conversations/abc/room', '/no/such/page']) {
			const res = await t.app.request(path, { headers: { accept: 'text/html' } });
			expect(res.headers.get('content-type')).toMatch(/^text\/html/);
			const policy = directives(res.headers.get('content-security-policy') ?? '');
			expect(policy.get('script-src'), path).toContain(sha(SHELL_SCRIPT));
			expect(policy.get('connect-src'), path).toContain('ws://localhost:8080');
			// The style attribute a built template renders is allowed by its hash alone.
			expect(policy.get('style-src-attr'), path).toEqual(["'unsafe-hashes'", sha(ANNOUNCER)]);
		}
	});

	it('is on the development mailbox page too, which is HTML with its own inline style', async () => {
		const t = await appWithShell();
		const res = await t.app.request('http://127.0.0.1/dev/mailbox');
		expect(res.status).toBe(200);
		const policy = directives(res.headers.get('content-security-policy') ?? '');
		expect(policy.get('style-src')).toHaveLength(2);
		expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
	});

	it('is not put on scripts or API answers, which are not documents', async () => {
		const t = await appWithShell();
		expect((await t.app.request('/_app/x.js')).headers.get('content-security-policy')).toBeNull();
		expect((await t.app.request('/api/health')).headers.get('content-security-policy')).toBeNull();
	});

	it('logs what browsers report it blocked, without the query of the page (a sign-in token)', async () => {
		const lines: string[] = [];
		const log: Logger = {
			info() {},
			error() {},
			warn: (message, data) => lines.push(`${message} ${JSON.stringify(data)}`)
		};
		const t = await appWithShell(log);
		const report = {
			'csp-report': {
				'document-uri': 'http://localhost:8080/signin?token=SECRET',
				'effective-directive': 'script-src-elem',
				'blocked-uri': 'inline',
				'line-number': 12
			}
		};
		const res = await t.app.request(CSP_REPORT_PATH, {
			method: 'POST',
			headers: { 'content-type': 'application/csp-report' },
			body: JSON.stringify(report)
		});
		expect(res.status).toBe(204);
		expect(lines).toEqual([
			'csp_violation {"directive":"script-src-elem","blocked":"inline","page":"http://localhost:8080/signin","line":12}'
		]);
		const huge = await t.app.request(CSP_REPORT_PATH, {
			method: 'POST',
			headers: { 'content-type': 'application/csp-report' },
			body: 'x'.repeat(64 * 1024)
		});
		expect(huge.status).toBe(413);
		for (let i = 0; i < 40; i++) {
			await t.app.request(CSP_REPORT_PATH, { method: 'POST', body: JSON.stringify(report) });
		}
		expect(lines.length).toBe(30);
	});
});
