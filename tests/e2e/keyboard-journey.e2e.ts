import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from '@playwright/test';
import { expectNoAxeViolations, expectNoMotion, useLanguage } from './a11y';
import { joinRoom } from './call-helpers';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';
import { expectTouchTargets, expectVisibleFocus, tabTo } from './keyboard';

// Issue #8: the participant journey after sign-up works with the keyboard alone: the partner's
// profile, the question list, the conversation controls and consent. The participant presses only
// Tab, Shift+Tab, Enter, Space and arrows (no clicks, no fill()); every control she reaches must show
// its focus. Her partner is a second browser context driven normally. axe runs on every state, in
// the participant's language; the journey runs once in English and once in Spanish.

// As in call.e2e.ts: a trace's screencast takes the cores the real-time audio threads need.
test.use({ trace: 'off' });

type Lang = 'en' | 'es';
const catalogs: Record<Lang, Record<string, string>> = {
	en: JSON.parse(readFileSync('messages/en.json', 'utf8')) as Record<string, string>,
	es: JSON.parse(readFileSync('messages/es.json', 'utf8')) as Record<string, string>
};
/** The UI text of a message key, as Paraglide renders it (labels are not hard-coded in the test). */
function text(lang: Lang, key: string, params: Record<string, string | number> = {}): string {
	const template = catalogs[lang][key];
	if (template === undefined) throw new Error(`no message ${key} in ${lang}`);
	return Object.entries(params).reduce((s, [k, v]) => s.replaceAll(`{${k}}`, String(v)), template);
}

/** Tab to a control and press a key on it. */
async function press(page: Page, target: Locator, key: 'Enter' | 'Space' = 'Enter') {
	await tabTo(page, target);
	await page.keyboard.press(key);
}

async function signedIn(browser: Browser, url: string, lang: Lang): Promise<Page> {
	const page = await (await browser.newContext({ reducedMotion: 'reduce' })).newPage();
	await useLanguage(page, lang);
	await page.goto(url);
	await expect(page.getByTestId('signed-in')).toBeVisible({ timeout: 30_000 });
	return page;
}

for (const lang of ['en', 'es'] as const) {
	test(`keyboard only (${lang}): partner's profile, questions, the call's controls and consent`, async ({
		app,
		browser
	}) => {
		test.setTimeout(420_000);
		const t = (key: string, params?: Record<string, string | number>) => text(lang, key, params);
		const demo = seedDemo(app);
		const conversation = demo.conversations[0]!;
		const [ana, ben] = conversation.participantIds.map((id) => demo.participants.find((p) => p.id === id)!);
		const page = await signedIn(browser, ana!.signInUrl, lang);
		const partner = await signedIn(browser, ben!.signInUrl, 'en');

		// 1. Home → the partner's profile.
		await page.goto(`${app.url}/`);
		await press(page, page.getByRole('link', { name: t('match_home_participant') }));
		await expect(
			page.getByRole('heading', { name: t('match_partner_heading', { name: ben!.firstName }) })
		).toBeVisible();
		await expect(page.getByTestId('partner-autobiography')).not.toBeEmpty();
		await expectNoAxeViolations(page, `the partner's profile (${lang})`);
		await expectNoMotion(page, `the partner's profile (${lang})`);
		await expectTouchTargets(page);

		// 2. The question list: add one from the bank and one of her own, reorder, approve, say ready.
		await press(page, page.getByRole('link', { name: t('match_questions_link') }));
		await expect(page.getByTestId('questions-sync-status')).toHaveText(t('questions_status_synced'));
		await expect(page.getByTestId('questions-sync-status')).toHaveAttribute('role', 'status');
		await expectNoAxeViolations(page, `the empty question list (${lang})`);
		await partner.goto(`${app.url}/conversations/${conversation.id}/questions`);

		const firstBankQuestion = page.getByTestId('bank').getByRole('button').first();
		await press(page, firstBankQuestion);
		await expect(page.getByTestId('question')).toHaveCount(1);
		await tabTo(page, page.getByLabel(t('questions_add_label'), { exact: true }));
		await page.keyboard.type('¿Qué hace un buen vecino? What does a good neighbor do?');
		await press(page, page.getByRole('button', { name: t('questions_add'), exact: true }));
		const texts = page.getByTestId('question-text');
		await expect(texts).toHaveCount(2);
		await expect(texts.nth(1)).toHaveText(/good neighbor/);
		await press(page, page.getByRole('button', { name: t('questions_move_up_label', { number: 2 }) }));
		await expect(texts.first()).toHaveText(/good neighbor/);
		await expect(partner.getByTestId('question-text').first()).toHaveText(/good neighbor/);
		await expectNoAxeViolations(page, `the question list after a reorder (${lang})`);

		const approve = page
			.getByTestId('question')
			.first()
			.getByRole('checkbox', { name: t('questions_approve') });
		await press(page, approve, 'Space');
		await expect(approve).toBeChecked();
		await partner.getByTestId('question').first().getByLabel('I approve this wording').check();
		await expect(page.getByTestId('question-state').first()).toHaveText(t('questions_agreed'));
		const ready = page.getByRole('checkbox', { name: t('questions_ready_me') });
		await press(page, ready, 'Space');
		await expect(ready).toBeChecked();
		await partner.getByLabel('I am ready to record with these questions').check();
		await expect(page.getByTestId('ready-state')).toHaveText(t('questions_ready_both'));
		await expectNoAxeViolations(page, `the agreed question list (${lang})`);
		await expectNoMotion(page, `the agreed question list (${lang})`);
		await expectTouchTargets(page);

		// 3. The room: mic check, join, ready, a prompt, a mark, pause and resume, stop.
		await press(page, page.getByRole('link', { name: t('questions_room_link') }));
		await press(page, page.getByRole('button', { name: t('call_mic_allow') }));
		await expect(page.getByLabel(t('call_mic_level'))).toBeVisible();
		await expectNoAxeViolations(page, `the mic check (${lang})`);
		await expectTouchTargets(page);
		await joinRoom(partner, `${app.url}/conversations/${conversation.id}/room`);
		await press(page, page.getByRole('button', { name: t('call_join') }));
		const member = page.getByTestId('member');
		await expect(member).toHaveAttribute('data-link', 'connected', { timeout: 30_000 });
		await expectNoAxeViolations(page, `the call before recording (${lang})`);

		await press(page, page.getByRole('button', { name: t('call_ready') }));
		await expect(page.getByRole('status').filter({ hasText: t('call_waiting_for_partner') })).toBeVisible();
		await partner.getByRole('button', { name: 'I’m ready to record' }).click();
		const recording = page.getByTestId('recording-state');
		await expect(recording).toHaveAttribute('data-state', 'recording');
		// The recording state is announced (a live region), not only shown.
		await expect(page.getByRole('status').filter({ hasText: t('call_state_recording') })).toBeVisible();

		// The prompts are the list the two agreed on above, not the default questions.
		await expect(page.getByTestId('prompts-source')).toHaveAttribute('data-from-list', 'true');
		const prompt = page.getByRole('checkbox', { name: /good neighbor/ });
		await press(page, prompt, 'Space');
		await expect(prompt).toBeChecked();
		await press(page, page.getByRole('button', { name: t('call_mark') }));
		await expect(page.getByTestId('marks')).toBeVisible();
		await expectNoAxeViolations(page, `the call while recording (${lang})`);
		await expectNoMotion(page, `the call while recording (${lang})`);
		await expectTouchTargets(page);

		// Pause and resume are one button, so the focus stays on it and Enter toggles it back.
		const pause = page.getByRole('button', { name: t('call_pause') });
		await press(page, pause);
		await expect(recording).toHaveAttribute('data-state', 'paused');
		await expect(page.getByRole('status').filter({ hasText: t('call_state_paused') })).toBeVisible();
		const resume = page.getByRole('button', { name: t('call_resume') });
		await expect(resume).toBeFocused();
		await expectVisibleFocus(resume);
		await expectNoAxeViolations(page, `the call while paused (${lang})`);
		// axe's run can leave the focus elsewhere (seen on a loaded machine); come back to Resume by Tab.
		const where = await page.evaluate(() => ({
			active: document.activeElement?.outerHTML.slice(0, 60),
			hasFocus: document.hasFocus()
		}));
		console.log('after axe on the paused call:', JSON.stringify(where));
		if (!(await resume.evaluate((el) => el === document.activeElement))) await tabTo(page, resume);
		await page.keyboard.press('Enter');
		await expect(recording).toHaveAttribute('data-state', 'recording');

		await press(page, page.getByRole('button', { name: t('call_stop') }));
		// Stop ends the recording for both, so it asks first; the safe answer has the focus.
		const stopDialog = page.getByRole('dialog', { name: t('call_stop_confirm_title') });
		await expect(stopDialog).toBeVisible();
		await expect(stopDialog.getByRole('button', { name: t('call_stop_keep') })).toBeFocused();
		await expectNoAxeViolations(page, `the stop confirmation (${lang})`);
		await press(page, stopDialog.getByRole('button', { name: t('call_stop_confirm') }));
		await expect(recording).toHaveAttribute('data-state', 'stopped');
		await expect(page.getByRole('button', { name: t('call_ready') })).toHaveCount(0);
		await expect(page.getByRole('status').filter({ hasText: t('call_state_stopped') })).toBeVisible();
		await expectNoAxeViolations(page, `the call after recording (${lang})`);

		// 4. Consent, after the conversation: a copy yes, the archive no.
		await press(page, page.getByRole('link', { name: t('consent_next_link') }));
		// Each answer has its own form and Save (issue #14).
		const copyForm = page.getByTestId('consent-copy');
		const archiveForm = page.getByTestId('consent-archive');
		const copyGroup = copyForm.getByRole('group', { name: t('consent_copy_legend') });
		const archiveGroup = archiveForm.getByRole('group', { name: t('consent_archive_legend') });
		await expect(copyGroup).toBeVisible();
		// Nothing is consented yet, so there is nothing to withdraw.
		await expect(page.getByRole('button', { name: t('consent_withdraw') })).toHaveCount(0);
		await expectNoAxeViolations(page, `the consent form (${lang})`);
		await press(page, copyGroup.getByRole('radio', { name: t('consent_yes') }), 'Space');
		await expect(copyGroup.getByRole('radio', { name: t('consent_yes') })).toBeChecked();
		await press(page, copyForm.getByRole('button', { name: t('consent_save_answer') }));
		const saved = new RegExp(`${escape(t('consent_saved'))}|${escape(t('consent_waiting_sync'))}`);
		await expect(copyForm.getByRole('status')).toHaveText(saved);
		// Tab enters the archive group on "Yes"; the down arrow moves the choice to "No".
		await tabTo(page, archiveGroup.getByRole('radio', { name: t('consent_yes') }));
		await page.keyboard.press('ArrowDown');
		await expect(archiveGroup.getByRole('radio', { name: t('consent_no') })).toBeChecked();
		await press(page, archiveForm.getByRole('button', { name: t('consent_save_answer') }));
		await expect(archiveForm.getByRole('status')).toHaveText(saved);
		// A yes to take back now: the withdrawal asks first, and "keep" (focused) changes nothing.
		await press(page, page.getByRole('button', { name: t('consent_withdraw') }));
		const confirm = page.getByRole('group', { name: t('consent_withdraw_confirm_title') });
		await expect(confirm.getByRole('button', { name: t('consent_withdraw_keep') })).toBeFocused();
		await expectNoAxeViolations(page, `the withdrawal confirmation (${lang})`);
		await page.keyboard.press('Enter');
		await expect(confirm).toHaveCount(0);
		await expect(page.getByRole('button', { name: t('consent_withdraw') })).toBeFocused();
		// The upload's progress is announced as it goes (a live region per track).
		await expect(page.getByTestId('upload-share').getByRole('status')).not.toBeEmpty({ timeout: 30_000 });
		await expectNoAxeViolations(page, `the consent form, saved (${lang})`);
		await expectNoMotion(page, `the consent form (${lang})`);
		await expectTouchTargets(page);
		expect(
			app.query(
				'select kind, answer from consents where conversation_id = ? and user_id = ? order by kind',
				conversation.id,
				ana!.id
			)
		).toEqual([
			{ kind: 'archive', answer: 'no' },
			{ kind: 'copy', answer: 'yes' }
		]);
		await partner.context().close();
		await page.context().close();
	});
}

function escape(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
