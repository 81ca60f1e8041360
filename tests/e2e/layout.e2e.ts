import type { Browser, Page } from '@playwright/test';
import { useLanguage } from './a11y';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';

// Issue #14: on a 390 px phone the staff pages are no wider than the screen (wide tables scroll in
// their own region), and the matching preview's partner dropdowns show whole names.

const PHONE = { width: 390, height: 844 };

async function open(browser: Browser, signInUrl: string, locale: 'en' | 'es'): Promise<Page> {
	const page = await (await browser.newContext({ viewport: PHONE })).newPage();
	await useLanguage(page, locale);
	await page.goto(signInUrl);
	await expect(page.getByTestId('signed-in')).toBeVisible({ timeout: 30_000 });
	return page;
}

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** For each select, how much narrower it is than its longest option's text plus its padding and arrow. */
function cutOff(page: Page, selector: string) {
	return page.locator(selector).evaluateAll((selects) =>
		selects.map((el) => {
			const select = el as HTMLSelectElement;
			const style = getComputedStyle(select);
			const probe = document.createElement('span');
			probe.style.font = style.font;
			probe.style.position = 'absolute';
			probe.style.whiteSpace = 'pre';
			document.body.append(probe);
			let text = 0;
			for (const option of Array.from(select.options)) {
				probe.textContent = option.text;
				text = Math.max(text, probe.getBoundingClientRect().width);
			}
			probe.remove();
			const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
			return Math.max(0, Math.ceil(text - room));
		})
	);
}

for (const locale of ['en', 'es'] as const) {
	test(`at 390 px the partner dashboard and the coordinator console fit the screen (${locale})`, async ({
		app,
		browser
	}) => {
		test.setTimeout(120_000);
		const demo = seedDemo(app);

		const staff = await open(browser, demo.partnerStaff[0]!.signInUrl, locale);
		await staff.goto(`${app.url}/partner`);
		await expect(staff.locator('table').first()).toBeVisible();
		await expect(staff.locator('main li').first()).toBeVisible();
		expect(await pageWidth(staff)).toBeLessThanOrEqual(PHONE.width);

		const coordinator = await open(browser, demo.coordinator.signInUrl, locale);
		await coordinator.goto(`${app.url}/coordinator`);
		await expect(
			coordinator.locator('section[aria-labelledby="people-heading"] tbody tr').first()
		).toBeVisible();
		await coordinator.locator('#matching-heading ~ button').first().click();
		await expect(coordinator.getByTestId('proposed-pair').first()).toBeVisible();
		await expect(coordinator.getByTestId('calendar-entry').first()).toBeVisible();
		expect(await pageWidth(coordinator)).toBeLessThanOrEqual(PHONE.width);
		const pairs = await coordinator.getByTestId('proposed-pair').count();
		expect(await cutOff(coordinator, '[data-testid="proposed-pair"] select')).toEqual(Array(pairs).fill(0));
	});
}
