import { expectNoAxeViolations } from './a11y';
import { expect, test } from './fixtures';
import { browserStorageDump, enrolledKiosk } from './kiosk-helpers';
import { BUILDS } from './paths';
import { fillFirstHalf, fillSecondHalf, person } from './questionnaire';
import { startAppServer } from './server';

// Issue #7: one shared device, many strangers in turn, nothing left behind.

test('visitor A signs up and finishes; visitor B finds nothing of A in the UI or in any store', async ({
	browser,
	app
}) => {
	test.setTimeout(180_000);
	const { context, page } = await enrolledKiosk(browser, app);
	await expectNoAxeViolations(page, 'kiosk welcome');
	const a = person();

	await page.getByRole('link', { name: 'Sign up' }).click();
	await fillFirstHalf(page, a);
	await fillSecondHalf(page, a);
	const code = (await page.getByTestId('personal-code').textContent()) ?? '';
	expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
	// Handoff: the code in large text and as a QR code to carry home.
	await expect(page.getByTestId('personal-code-qr')).toBeVisible();
	expect((await browserStorageDump(page)).text).toContain(a.email);

	await page.getByRole('button', { name: 'Finish and erase' }).click();
	await expect(page.getByTestId('kiosk-ended')).toBeVisible();
	await expectNoAxeViolations(page, 'kiosk welcome after a session ended');

	// Visitor B arrives at the same device.
	await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Common Ground' })).toBeVisible();
	const visible = await page.locator('body').innerText();
	for (const trace of [a.email, a.lastName, code]) expect(visible).not.toContain(trace);
	const dump = await browserStorageDump(page);
	for (const trace of [a.email, a.lastName, code, 'Bessemer']) expect(dump.text).not.toContain(trace);
	expect(await context.cookies()).toEqual([]);
	const session = await page.evaluate(async () => (await fetch('/api/session')).json());
	expect(session).toEqual({ user: null });
	// A is still a participant on the server: the work was theirs, not the kiosk's.
	expect(app.query('select role from users where email = ?', a.email)).toEqual([{ role: 'participant' }]);
	await context.close();
});

test("a visitor's unsent sign-up is sealed at Finish, unreadable on the device, and sent once the server is back", async ({
	browser,
	app
}) => {
	test.setTimeout(240_000);
	const { context, page } = await enrolledKiosk(browser, app);
	// The service worker took over during enrollment (its "ready offline" note has come and gone).
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
	const c = person();

	await page.getByRole('link', { name: 'Sign up' }).click();
	await fillFirstHalf(page, c);
	// The server goes down half-way through.
	await app.stop();
	await fillSecondHalf(page, c);
	await expect(page.getByTestId('signup-waiting')).toBeVisible();
	await page.getByRole('button', { name: 'Finish and erase' }).click();
	await expect(page.getByTestId('kiosk-ended')).toContainText('1 unsent items were locked');

	const dump = await browserStorageDump(page);
	expect(dump.text).not.toContain(c.email);
	expect(dump.text).not.toContain(c.lastName);
	const queue = await page.evaluate(
		() =>
			new Promise<Record<string, unknown>[]>((resolve, reject) => {
				const open = indexedDB.open('common-ground-kiosk');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const request = open.result.transaction('queue').objectStore('queue').getAll();
					request.onsuccess = () => resolve(request.result as Record<string, unknown>[]);
				};
			})
	);
	expect(queue).toHaveLength(1);
	// Only ciphertext and a key wrapped for the server: no key the device could use.
	expect(Object.keys(queue[0] ?? {}).sort()).toEqual([
		'attempts',
		'ciphertext',
		'createdAt',
		'id',
		'iv',
		'kind',
		'wrappedKey'
	]);
	expect(app.query('select count(*) as n from users where email = ?', c.email)).toEqual([{ n: 0 }]);

	await app.start();
	await expect
		.poll(() => app.query<{ n: number }>('select count(*) as n from users where email = ?', c.email)[0]?.n, {
			timeout: 90_000
		})
		.toBe(1);
	await page.reload();
	await expect(page.getByTestId('kiosk-queued')).toHaveCount(0);
	await context.close();
});

test('the idle timeout warns, can be extended, then ends the session and wipes it', async ({ browser }) => {
	test.setTimeout(180_000);
	const app = await startAppServer({
		staticDir: BUILDS.current,
		env: { KIOSK_IDLE_WARNING_SECONDS: '5', KIOSK_IDLE_END_SECONDS: '12' }
	});
	try {
		const { context, page } = await enrolledKiosk(browser, app);
		await page.getByRole('link', { name: 'Sign up' }).click();
		await page.getByLabel('First name').fill('Idle');
		await page.getByLabel('Last name').fill('Visitor');

		const warning = page.getByRole('alertdialog', { name: 'Are you still there?' });
		await expect(warning).toBeVisible({ timeout: 30_000 });
		await expect(page.getByRole('button', { name: "I'm still here" })).toBeFocused();
		await expectNoAxeViolations(page, 'kiosk idle warning');
		await page.keyboard.press('Enter');
		await expect(warning).toBeHidden();
		await expect(page.getByLabel('Last name')).toHaveValue('Visitor');

		await expect(warning).toBeVisible({ timeout: 30_000 });
		await expect(page.getByTestId('kiosk-ended')).toBeVisible({ timeout: 30_000 });
		expect((await browserStorageDump(page)).text).not.toContain('Visitor');
		await context.close();
	} finally {
		await app.stop();
	}
});
