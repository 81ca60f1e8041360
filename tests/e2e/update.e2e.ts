import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import { expect, waitUntilOfflineReady } from './fixtures';
import { BUILDS, TMP } from './paths';
import { startAppServer, type AppServer } from './server';

// This journey deploys into the served folder, so it gets a private copy of the build.
const test = base.extend<{ app: AppServer }>({
	// eslint-disable-next-line no-empty-pattern
	app: async ({}, use) => {
		const staticDir = mkdtempSync(join(TMP, 'static-'));
		cpSync(BUILDS.current, staticDir, { recursive: true });
		const app = await startAppServer({ staticDir });
		await use(app);
		await app.stop();
	}
});

test('(c) a new build deployed under an open page is offered, never forced, and served after Reload', async ({
	page,
	app
}) => {
	await page.goto(`${app.url}/signup`);
	await waitUntilOfflineReady(page);
	const oldVersion = await page.getByTestId('app-version').textContent();
	expect(oldVersion).not.toBe(BUILDS.nextVersion);
	await page.getByLabel('First name').fill('Unsaved Ulla');

	// Deploy: the new build replaces the old one in the folder the server serves.
	rmSync(join(app.staticDir, '_app'), { recursive: true });
	cpSync(BUILDS.next, app.staticDir, { recursive: true });
	const served = await (await page.request.get(`${app.url}/service-worker.js`)).text();
	expect(served).toContain(BUILDS.nextVersion);

	// The app checks for updates when the tab becomes visible again.
	await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
	const offer = page.getByText('A new version is ready');
	await expect(offer).toBeVisible();

	// Nothing reloads by itself: the typed name is still in the field, and the old version still runs.
	await expect(page.getByLabel('First name')).toHaveValue('Unsaved Ulla');
	await expect(page.getByTestId('app-version')).toHaveText(oldVersion ?? '');

	await page.getByRole('button', { name: 'Reload' }).click();
	await expect(page.getByTestId('app-version')).toHaveText(BUILDS.nextVersion);
	// The draft was saved on the device before the reload, so the new version still has it.
	await expect(page.getByLabel('First name')).toHaveValue('Unsaved Ulla');
	await expect(offer).toBeHidden();
});
