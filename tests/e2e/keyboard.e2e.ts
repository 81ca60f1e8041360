import { expect, test } from './fixtures';
import { expectNoHorizontalScroll, expectTouchTargets, tabTo } from './keyboard';
import { person } from './questionnaire';
import type { Page } from '@playwright/test';

// Issue #8: the participant journey works with the keyboard alone. Only Tab, Shift+Tab, arrows,
// Space, Enter and typing are used here: no clicks, no fill().

async function continueTo(page: Page, title: string) {
	await tabTo(page, page.getByRole('button', { name: 'Save and continue' }));
	await page.keyboard.press('Enter');
	const heading = page.getByRole('heading', { level: 2, name: title });
	await expect(heading).toBeVisible();
}

async function type(page: Page, label: string | RegExp, text: string) {
	await tabTo(page, page.getByLabel(label));
	await page.keyboard.type(text);
}

async function check(page: Page, role: 'radio' | 'checkbox', name: string | RegExp) {
	await tabTo(page, page.getByRole(role, { name, exact: typeof name === 'string' }));
	await page.keyboard.press('Space');
	await expect(page.getByRole(role, { name, exact: typeof name === 'string' })).toBeChecked();
}

test('the whole sign-up works with the keyboard alone, with visible focus', async ({ page, app }) => {
	test.setTimeout(180_000);
	const who = person();
	await page.goto(`${app.url}/`);
	await tabTo(page, page.getByRole('link', { name: 'Sign up' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 2, name: 'About you' })).toBeVisible();
	await expect(page.getByLabel('Your community')).not.toHaveValue('');

	await type(page, 'First name', who.firstName);
	await type(page, 'Last name', who.lastName);
	await type(page, 'Email', who.email);
	await continueTo(page, 'Your background');

	// A radio group is one Tab stop: Space picks the first, arrows move the choice.
	await check(page, 'radio', '18-24');
	await page.keyboard.press('ArrowDown');
	await expect(page.getByRole('radio', { name: '25-34' })).toBeChecked();
	await check(page, 'checkbox', 'English');
	await continueTo(page, 'Your politics');

	await check(page, 'radio', 'Very liberal');
	await page.keyboard.press('ArrowDown');
	await check(page, 'radio', 'Democrat');
	await tabTo(page, page.getByLabel(/How warm or cold/));
	for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
	await expect(page.getByLabel(/How warm or cold/)).toHaveValue('55');
	await continueTo(page, 'Where you stand');

	const statements = page
		.getByRole('group')
		.filter({ has: page.getByRole('radio', { name: 'Agree', exact: true }) });
	const count = await statements.count();
	for (let i = 0; i < count; i++) {
		await tabTo(page, statements.nth(i).getByRole('radio', { name: 'Agree', exact: true }));
		await page.keyboard.press('Space');
	}
	await continueTo(page, 'Interests and time');

	await check(page, 'checkbox', 'gardening');
	await tabTo(page, page.getByRole('button', { name: 'Add a time' }));
	await page.keyboard.press('Enter');
	await continueTo(page, 'Your story');

	await type(page, 'Why do you want to take part?', 'To hear how someone else sees our town.');
	await type(
		page,
		'A short autobiography for your partner',
		'I teach fourth grade and walk my dog by the river.'
	);
	await continueTo(page, 'Agreement');

	await check(page, 'checkbox', /I have read the participation agreement/);
	await tabTo(page, page.getByRole('button', { name: 'Sign up' }));
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('personal-code')).toBeVisible();
	expect(app.query('select email from users where email = ?', who.email)).toHaveLength(1);
});

test('at 200% zoom every sign-up step reflows without sideways scrolling, and targets stay 44 px', async ({
	browser,
	app
}) => {
	test.setTimeout(120_000);
	// Browser zoom at 200% on a 1280 px wide window lays the page out in 640 CSS px at twice the density.
	const context = await browser.newContext({ viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 });
	const page = await context.newPage();
	await page.goto(`${app.url}/`);
	await expectNoHorizontalScroll(page);
	await expectTouchTargets(page);
	await page.goto(`${app.url}/signup`);
	await expect(page.getByRole('heading', { level: 2, name: 'About you' })).toBeVisible();
	await expectNoHorizontalScroll(page);
	await expectTouchTargets(page);
	// Text-only enlargement (WCAG 1.4.4): the root font at 200%, still no content cut off.
	await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
	await expectNoHorizontalScroll(page);
	const next = page.getByRole('button', { name: 'Save and continue' });
	await next.scrollIntoViewIfNeeded();
	await expect(next).toBeInViewport();
	await expectTouchTargets(page);
	await context.close();
});
