import { expect, test, waitUntilOfflineReady } from './fixtures';
import { fillFirstHalf, fillSecondHalf, person } from './questionnaire';

type Row = { first_name: string; email: string; count: number };

test('(a) a person fills the questionnaire online and the server has it', async ({ page, app }) => {
	const who = person();
	await page.goto(`${app.url}/`);
	await page.getByRole('link', { name: 'Sign up' }).click();
	await fillFirstHalf(page, who);
	await fillSecondHalf(page, who);

	await expect(page.getByTestId('personal-code')).toHaveText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
	const rows = app.query<Row>('select first_name, email from users where email = ?', who.email);
	expect(rows).toEqual([{ first_name: 'Rosa', email: who.email }]);
	await expect(page.getByTestId('connectivity')).toContainText('all saved');
});

test('(b) offline: the app opens, a half-way reload loses nothing, and the sign-up arrives exactly once', async ({
	page,
	context,
	app
}) => {
	const who = person();
	await page.goto(`${app.url}/signup`);
	await waitUntilOfflineReady(page);

	await context.setOffline(true);
	await page.reload();
	await expect(page.getByRole('heading', { level: 1, name: 'Sign up for a conversation' })).toBeVisible();
	await expect(page.getByTestId('connectivity')).toContainText('Offline');

	await fillFirstHalf(page, who);
	await page.reload();
	await expect(page.getByRole('heading', { level: 2, name: 'Where you stand' })).toBeVisible();
	await page.getByRole('button', { name: 'Back' }).click();
	await expect(page.getByRole('radio', { name: 'Slightly conservative' })).toBeChecked();
	await page.getByRole('button', { name: 'Back' }).click();
	await page.getByRole('button', { name: 'Back' }).click();
	await expect(page.getByLabel('Email')).toHaveValue(who.email);
	for (const title of ['Your background', 'Your politics', 'Where you stand']) {
		await page.getByRole('button', { name: 'Save and continue' }).click();
		await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
	}

	await fillSecondHalf(page, who);
	await expect(page.getByTestId('signup-waiting')).toContainText('saved on this device');
	await expect(page.getByTestId('connectivity')).toContainText('1 waiting to sync');
	expect(app.query<Row>('select count(*) as count from users where email = ?', who.email)[0]?.count).toBe(0);

	await context.setOffline(false);
	await expect(page.getByTestId('personal-code')).toBeVisible();
	await expect(page.getByTestId('connectivity')).toContainText('all saved');
	expect(app.query<Row>('select count(*) as count from users where email = ?', who.email)[0]?.count).toBe(1);
	expect(app.query<Row>("select count(*) as count from mutations where type = 'signup'")[0]?.count).toBe(1);
});
