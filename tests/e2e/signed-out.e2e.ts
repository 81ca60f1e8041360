import { expect, test } from './fixtures';

test('every page that needs a session says so and links to sign-in, not an empty form (issue #14)', async ({
	page,
	app
}) => {
	for (const path of ['/coordinator', '/partner', '/kiosks', '/conversation']) {
		await page.goto(`${app.url}${path}`);
		await expect(page.getByRole('alert'), path).toBeVisible();
		await expect(page.getByRole('main').getByRole('link', { name: 'Sign in' }), path).toBeVisible();
		await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
		await expect(page).toHaveURL(/\/signin$/);
	}
	// Nothing of the console is offered to someone who can't use it.
	await page.goto(`${app.url}/coordinator`);
	await expect(page.getByRole('button', { name: 'Preview a matching run' })).toHaveCount(0);
});
