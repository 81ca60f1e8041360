import { expect, type Page } from '@playwright/test';

/** Each answer has its own form and Save (issue #14); the archive's description is asked after its yes. */
export async function consent(page: Page, { copy, archive }: { copy: 'Yes' | 'No'; archive: 'Yes' | 'No' }) {
	for (const [kind, choice] of [
		['copy', copy],
		['archive', archive]
	] as const) {
		const form = page.getByTestId(`consent-${kind}`);
		await form.getByLabel(choice, { exact: true }).check();
		await form.getByRole('button', { name: 'Save this answer' }).click();
		await expect(form.getByRole('status')).toContainText('saved', { timeout: 30_000 });
	}
	if (archive === 'Yes') {
		const form = page.getByTestId('archive-description');
		await form.getByLabel('Title').fill('Teacher and trucker');
		await form.getByLabel('Short summary').fill('Two neighbours talk about school, work and faith.');
		await form.getByLabel('Keywords').fill('schools, work, faith');
		await form.getByLabel('Place').fill('Birmingham, AL');
		await form.getByRole('button', { name: 'Save the description' }).click();
		await expect(form.getByRole('status')).toContainText('saved', { timeout: 30_000 });
	}
}
