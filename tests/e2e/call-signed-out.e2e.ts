import { joinRoom, launchWithMic, signIn } from './call-helpers';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';
import { speechWav } from './speech';

test.use({ trace: 'off' });

test('a sign-in that ends during the call is named, instead of reconnecting forever', async ({ app }) => {
	test.setTimeout(120_000);
	const demo = seedDemo(app);
	const conversation = demo.conversations[0]!;
	const ada = demo.participants.find((p) => p.id === conversation.participantIds[0])!;
	const browser = await launchWithMic(speechWav('ada'));
	try {
		const page = await (await browser.newContext()).newPage();
		await signIn(page, ada.signInUrl);
		await joinRoom(page, `${app.url}/conversations/${conversation.id}/room`);
		await expect(page.getByRole('alert').filter({ hasText: 'sign-in has ended' })).toHaveCount(0);

		// Ada's session ends on the server (signed out elsewhere), then her signaling socket drops.
		const signout = await page.evaluate(async () => {
			const res = await fetch('/api/auth/signout', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: '{}'
			});
			return res.status;
		});
		expect(signout).toBeLessThan(300);
		await app.stop();
		await app.start();

		const notice = page.getByRole('alert').filter({ hasText: 'Your sign-in has ended' });
		await expect(notice).toBeVisible({ timeout: 60_000 });
		await expect(notice.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/signin');
	} finally {
		await browser.close();
	}
});
