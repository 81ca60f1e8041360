import { expectNoAxeViolations, expectNoMotion, useLanguage } from './a11y';
import { expect, test } from './fixtures';
import { seedDemo } from './demo';
import { person } from './questionnaire';

for (const locale of ['en', 'es'] as const) {
	test.describe(`every sign-up screen has no WCAG 2.2 A/AA violations (${locale})`, () => {
		// axe-core runs on some twenty page states here, each a few seconds on a busy two-core machine.
		test.setTimeout(240_000);
		test.beforeEach(async ({ page }) => useLanguage(page, locale));

		test('landing, sign-in and the sign-up steps, with and without errors', async ({ page, app }) => {
			await page.goto(`${app.url}/`);
			await expect(page.locator('html')).toHaveAttribute('lang', locale);
			await expectNoAxeViolations(page, `landing (${locale})`);

			await page.goto(`${app.url}/signin`);
			await expectNoAxeViolations(page, `sign-in (${locale})`);

			await page.goto(`${app.url}/signup`);
			const next = page.locator('form button[type="submit"]');
			// Each step: first as it opens, then after an empty "continue" shows the field messages.
			for (let step = 0; step < 7; step++) {
				await expect(page.locator('#step-heading')).toBeVisible();
				await expectNoAxeViolations(page, `sign-up step ${step + 1} (${locale})`);
				if (step === 6) break;
				const heading = await page.locator('#step-heading').textContent();
				await next.click();
				if ((await page.locator('#step-heading').textContent()) === heading) {
					await expectNoAxeViolations(page, `sign-up step ${step + 1} with errors (${locale})`);
					await fillStep(page, step);
					await next.click();
				}
				await expect(page.locator('#step-heading')).not.toHaveText(heading ?? '');
			}
			await page.locator('#agreementAccepted').check();
			await next.click();
			await expect(page.getByTestId('personal-code')).toBeVisible();
			await expectNoAxeViolations(page, `welcome with personal code (${locale})`);
		});
	});
}

/** Fills a step by its inputs' ids and roles, so it works in any language. */
async function fillStep(page: import('@playwright/test').Page, step: number) {
	const who = person();
	switch (step) {
		case 0:
			await page.locator('#firstName').fill(who.firstName);
			await page.locator('#lastName').fill(who.lastName);
			await page.locator('#email').fill(who.email);
			break;
		case 1:
			await page.locator('input[name="ageRange"]').first().check();
			await page.locator('input[name="languages"]').first().check();
			break;
		case 2:
			await page.locator('input[name="politicalPlacement"]').nth(2).check();
			await page.locator('input[name="party"]').nth(2).check();
			await page.locator('#thermometer').fill('60');
			break;
		case 3:
			for (const group of await page.locator('fieldset').all()) await group.locator('input').first().check();
			break;
		case 4:
			await page.locator('input[name="interests"]').first().check();
			await page.locator('#availability-hint').locator('xpath=..').locator('button').last().click();
			break;
		case 5:
			await page.locator('#motivation').fill('To listen to someone I would not usually meet.');
			await page
				.locator('#autobiography')
				.fill('I grew up near Tuscaloosa, fix bicycles, and coach a youth soccer team.');
			break;
	}
}

test('with prefers-reduced-motion, nothing animates on the landing, sign-in and sign-up pages', async ({
	browser,
	app
}) => {
	const context = await browser.newContext({ reducedMotion: 'reduce' });
	const page = await context.newPage();
	for (const route of ['/', '/signin', '/signup']) {
		await page.goto(`${app.url}${route}`);
		await expect(page.locator('h1, h2').first()).toBeVisible();
		await expectNoMotion(page, route);
	}
	await context.close();
});

for (const locale of ['en', 'es'] as const) {
	test(`the signed-in screens of each role have no WCAG 2.2 A/AA violations (${locale})`, async ({
		browser,
		app
	}) => {
		test.setTimeout(240_000);
		const demo = seedDemo(app);
		const conversation = demo.conversations[0]!;
		const participant = demo.participants.find((p) => p.id === conversation.participantIds[0])!;
		const screens: { who: string; signInUrl: string; routes: string[] }[] = [
			{
				who: 'participant',
				signInUrl: participant.signInUrl,
				routes: [
					'/conversation',
					'/conversations',
					`/conversations/${conversation.id}`,
					`/conversations/${conversation.id}/questions`,
					`/conversations/${conversation.id}/room`
				]
			},
			{ who: 'coordinator', signInUrl: demo.coordinator.signInUrl, routes: ['/coordinator', '/kiosks'] },
			{ who: 'partner staff', signInUrl: demo.partnerStaff[0]!.signInUrl, routes: ['/partner', '/kiosks'] },
			{ who: 'a visitor at an unenrolled kiosk', signInUrl: '', routes: ['/kiosk'] }
		];
		for (const { who, signInUrl, routes } of screens) {
			const context = await browser.newContext();
			const page = await context.newPage();
			await useLanguage(page, locale);
			if (signInUrl) {
				await page.goto(signInUrl);
				await expect(page.getByTestId('signed-in')).toBeVisible({ timeout: 30_000 });
			}
			for (const route of routes) {
				await page.goto(`${app.url}${route}`);
				await expect(page.locator('html')).toHaveAttribute('lang', locale);
				await expect(page.locator('h1').first()).toBeVisible();
				await expectNoAxeViolations(page, `${route} as ${who} (${locale})`);
			}
			await context.close();
		}
	});
}
