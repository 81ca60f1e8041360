import { expect, test } from './fixtures';
import { takeCspViolations } from './server';

test('every page is served with a strict Content-Security-Policy, and what it blocks reaches the server log', async ({
	page,
	app
}) => {
	const shell = await page.goto(`${app.url}/signin`);
	const policy = shell?.headers()['content-security-policy'] ?? '';
	expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
	expect(policy).toContain("frame-ancestors 'none'");
	expect(policy).not.toContain('unsafe-inline');
	// The app starts under it: the shell's own inline script is allowed by its hash.
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

	// An injected inline script (what an XSS would do) is refused, and the browser reports it.
	const refused = await page.evaluate(
		() =>
			new Promise<string>((resolve) => {
				document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), {
					once: true
				});
				const script = document.createElement('script');
				script.textContent = 'window.injected = true';
				document.body.append(script);
			})
	);
	expect(refused).toBe('script-src-elem');
	expect(await page.evaluate(() => (window as { injected?: boolean }).injected)).toBeUndefined();
	await expect.poll(() => takeCspViolations().join('\n')).toContain('"directive":"script-src-elem"');

	// A page elsewhere can't frame the app (clickjacking a consent, say).
	const mailbox = await page.goto(`${app.url}/dev/mailbox`);
	expect(mailbox?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
});
