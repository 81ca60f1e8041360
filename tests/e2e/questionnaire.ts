import { expect, type Page } from '@playwright/test';

export type Person = { firstName: string; lastName: string; email: string };

export function person(tag = Math.random().toString(36).slice(2, 8)): Person {
	return { firstName: 'Rosa', lastName: `Tester${tag}`, email: `rosa.${tag}@example.org` };
}

async function next(page: Page, title: string) {
	await page.getByRole('button', { name: 'Save and continue' }).click();
	await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
}

/** Steps 1–3: about you, background, politics. Leaves the page on "Where you stand". */
export async function fillFirstHalf(page: Page, who: Person) {
	await expect(page.getByRole('heading', { level: 2, name: 'About you' })).toBeVisible();
	await expect(page.getByLabel('Your community')).not.toHaveValue('');
	await page.getByLabel('First name').fill(who.firstName);
	await page.getByLabel('Last name').fill(who.lastName);
	await page.getByLabel('Email').fill(who.email);
	await next(page, 'Your background');

	await page.getByRole('radio', { name: '35-44' }).check();
	await page.getByRole('checkbox', { name: 'English' }).check();
	await page.getByRole('checkbox', { name: /Spanish/ }).check();
	await next(page, 'Your politics');

	await page.getByRole('radio', { name: 'Slightly conservative' }).check();
	await page.getByRole('radio', { name: 'Independent' }).check();
	await page.getByLabel(/How warm or cold/).fill('35');
	await next(page, 'Where you stand');
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Steps 4–7 and the final "Sign up". `freeAllWeek`: free 08:00–21:00 every day, so a coordinator can pair them. */
export async function fillSecondHalf(page: Page, who: Person, { freeAllWeek = false } = {}) {
	const statements = page
		.getByRole('group')
		.filter({ has: page.getByRole('radio', { name: 'Agree', exact: true }) });
	const count = await statements.count();
	expect(count).toBeGreaterThanOrEqual(5);
	for (let i = 0; i < count; i++) {
		await statements
			.nth(i)
			.getByRole('radio', { name: i % 2 ? 'Disagree' : 'Agree', exact: true })
			.check();
	}
	await next(page, 'Interests and time');

	await page.getByRole('checkbox', { name: 'gardening' }).check();
	await page.getByLabel('Add your own interest').fill('Birdwatching');
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	await page.getByRole('button', { name: 'Add a time' }).click();
	if (freeAllWeek) {
		for (const [i, day] of DAYS.entries()) {
			if (i > 0) await page.getByRole('button', { name: 'Add a time' }).click();
			const window = page.getByRole('group', { name: `Time window ${i + 1}` });
			await window.getByLabel('Day').selectOption({ label: day });
			await window.getByLabel('From').fill('08:00');
			await window.getByLabel('To').fill('21:00');
		}
	}
	await next(page, 'Your story');

	await page.getByLabel('Why do you want to take part?').fill('I want to understand people I usually avoid.');
	await page
		.getByLabel('A short autobiography for your partner')
		.fill(
			`I'm ${who.firstName}. I grew up outside Bessemer, drive a school bus, and sing in a church choir.`
		);
	await next(page, 'Agreement');

	await page.getByLabel(/I have read the participation agreement/).check();
	await page.getByRole('button', { name: 'Sign up' }).click();
}
