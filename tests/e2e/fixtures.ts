import { setPriority } from 'node:os';
import { test as base, expect, type Page } from '@playwright/test';
import { BUILDS } from './paths';
import { endEverything } from './processes';
import { startAppServer, takeCspViolations, type AppServer } from './server';

/** The niceness of the pages lane (playwright.config.ts): its browsers and servers yield the CPU. */
const PAGES_LANE_NICENESS = 10;

export const test = base.extend<{ app: AppServer; endsEverything: void }, { lane: void }>({
	// The calls lane's fake microphones are real-time: starved of CPU they deliver fewer samples, and
	// a recording looks short. The pages lane only has to finish, so its worker (and every browser
	// and server it starts, which inherit the niceness) takes what the calls leave over.
	lane: [
		// eslint-disable-next-line no-empty-pattern
		async ({}, use, workerInfo) => {
			if (workerInfo.project.name === 'pages') setPriority(PAGES_LANE_NICENESS);
			await use();
		},
		{ scope: 'worker', auto: true }
	],
	// Set up first, so torn down last: whatever the test started ends, even after a timeout.
	endsEverything: [
		// eslint-disable-next-line no-empty-pattern
		async ({}, use) => {
			await use();
			await endEverything();
			// Every journey runs under the app's Content-Security-Policy; nothing it needs may be blocked.
			expect(
				takeCspViolations({ endOfTest: true }),
				'The Content-Security-Policy blocked part of the app'
			).toEqual([]);
		},
		{ auto: true }
	],
	// eslint-disable-next-line no-empty-pattern
	app: async ({}, use) => {
		const app = await startAppServer({ staticDir: BUILDS.current });
		await use(app);
		await app.stop();
	}
});
export { expect };

/** Waits until the service worker controls the page and has said the app works offline. */
export async function waitUntilOfflineReady(page: Page) {
	await expect(page.getByText('Ready to work offline')).toBeVisible();
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Reads how many outbox entries are still waiting on this device. */
export async function waitingToSync(page: Page): Promise<string> {
	return (await page.getByTestId('connectivity').textContent()) ?? '';
}
