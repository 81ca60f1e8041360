import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './a11y';
import { expect, test } from './fixtures';
import { addOwn, anotherBrowser, partners, storedWordings, texts } from './question-list';

/**
 * Issue #14, "Co-editing keeps both people's words": Ana and Ben, each in a Chromium of their own,
 * edit the same question's wording at the same time. Neither reloads; both edits survive on both
 * screens and on the server, online and with one of them offline.
 */

const editor = (page: Page) => page.getByLabel('Wording of question 1');

async function openEditor(page: Page) {
	await page.getByTestId('question').first().getByRole('button', { name: 'Edit wording' }).click();
	await expect(editor(page)).toBeVisible();
}

/** Types at the start (`at: 0`), the end (`at: -1`, before the final "?"), or after `at` characters. */
async function typeAt(page: Page, at: number, text: string) {
	await editor(page).focus();
	await page.keyboard.press(at < 0 ? 'Control+End' : 'Control+Home');
	for (let i = 0; i < Math.abs(at); i++) await page.keyboard.press(at < 0 ? 'ArrowLeft' : 'ArrowRight');
	await editor(page).pressSequentially(text, { delay: 25 });
}

const save = (page: Page) => page.getByRole('button', { name: 'Save wording' }).click();

test('both partners edit one wording at the same time, and both keep their words', async ({
	app,
	browser
}) => {
	test.setTimeout(120_000);
	const { conversation, ana, ben, anaPage, benPage } = await partners(app, browser, await anotherBrowser());
	await addOwn(anaPage, 'Where did you grow up?');
	await expect(texts(benPage)).toHaveText(['Where did you grow up?']);

	// Both editors open; both type at once, Ana near the end and Ben at the start.
	await openEditor(anaPage);
	await openEditor(benPage);
	await expect(anaPage.getByTestId('question').first()).toContainText(`${ben.firstName} is editing`);
	await expect(benPage.getByTestId('question').first()).toContainText(`${ana.firstName} is editing`);
	await Promise.all([typeAt(anaPage, -1, ' and what was it like'), typeAt(benPage, 0, 'Tell me, ')]);

	// Ana saves first. Ben's open editor takes her words in, keeps his, and his caret stays put.
	await save(anaPage);
	await expect(texts(anaPage)).toHaveText(['Where did you grow up and what was it like?']);
	await expect(editor(benPage)).toHaveValue('Tell me, Where did you grow up and what was it like?');
	await expect(benPage.getByTestId('wording-merged')).toHaveText(
		'A change someone else saved is now in your text too. Your own changes are kept.'
	);
	await expect(editor(benPage)).toBeFocused();
	await expectNoAxeViolations(benPage, 'wording editor with a partner’s change merged in');
	await editor(benPage).pressSequentially('please, ', { delay: 25 });
	await save(benPage);
	const first = 'Tell me, please, Where did you grow up and what was it like?';
	for (const page of [anaPage, benPage]) await expect(texts(page)).toHaveText([first]);

	// Again, and this time both press Save at the same moment: neither has seen the other's change.
	await openEditor(anaPage);
	await openEditor(benPage);
	await Promise.all([typeAt(anaPage, -1, ' back then'), typeAt(benPage, 'Tell me'.length, ' more')]);
	await Promise.all([save(anaPage), save(benPage)]);
	const both = 'Tell me more, please, Where did you grow up and what was it like back then?';
	for (const page of [anaPage, benPage]) {
		await expect(texts(page)).toHaveText([both]);
		await expect(page.getByTestId('questions-sync-status')).toHaveText(/Synced/);
	}
	await expect.poll(() => storedWordings(app, conversation.id)).toEqual([both]);
});

test('one partner edits the wording offline while the other edits it online; both edits survive', async ({
	app,
	browser
}) => {
	test.setTimeout(120_000);
	const { conversation, anaPage, benPage } = await partners(app, browser, await anotherBrowser());
	await addOwn(anaPage, 'What do you do on Sundays?');
	await expect(texts(benPage)).toHaveText(['What do you do on Sundays?']);

	await anaPage.context().setOffline(true);
	await openEditor(anaPage);
	await typeAt(anaPage, -1, ' with your family');
	await save(anaPage);
	await expect(texts(anaPage)).toHaveText(['What do you do on Sundays with your family?']);
	await expect(anaPage.getByTestId('questions-sync-status')).toHaveText(
		'Saved on this device. It will sync when you are back online.'
	);

	await openEditor(benPage);
	await typeAt(benPage, 'What do you'.length, ' usually');
	await save(benPage);
	await expect(texts(benPage)).toHaveText(['What do you usually do on Sundays?']);

	await anaPage.context().setOffline(false);
	const both = 'What do you usually do on Sundays with your family?';
	for (const page of [anaPage, benPage]) {
		await expect(texts(page)).toHaveText([both]);
		await expect(page.getByTestId('questions-sync-status')).toHaveText(/Synced/);
	}
	await expect.poll(() => storedWordings(app, conversation.id)).toEqual([both]);
});
