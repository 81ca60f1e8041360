import { expect, test } from './fixtures';
import { fillFirstHalf, fillSecondHalf, person } from './questionnaire';

test('after sign-up, a person signs in elsewhere with the emailed link (once) or the personal code', async ({
	page,
	browser,
	app
}) => {
	const who = person();
	await page.goto(`${app.url}/signup`);
	await fillFirstHalf(page, who);
	await fillSecondHalf(page, who);
	const code = (await page.getByTestId('personal-code').textContent()) ?? '';

	// The email with the sign-in link, as the dev mailbox shows it.
	await page.goto(`${app.url}/dev/mailbox`);
	const link = page.getByRole('link', { name: /\/signin\?token=/ }).first();
	const signInUrl = (await link.getAttribute('href')) ?? '';
	expect(signInUrl).toContain(`${app.url}/signin?token=`);

	const elsewhere = await browser.newContext();
	const other = await elsewhere.newPage();
	await other.goto(signInUrl);
	await expect(other.getByTestId('signed-in')).toContainText(`Signed in as ${who.firstName}`);

	// A used link says so, and tells the person what to do instead.
	const third = await (await browser.newContext()).newPage();
	await third.goto(signInUrl);
	await expect(third.getByRole('alert')).toContainText(/already been used|already used/i);

	// The personal code works however it is typed.
	await third.getByLabel('Personal code').fill(code.toLowerCase().replace('-', ' '));
	await third.getByRole('button', { name: 'Sign in' }).click();
	await expect(third.getByTestId('signed-in')).toContainText(`Signed in as ${who.firstName}`);
	await elsewhere.close();
});
