import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

process.env.E2E_TMP ??= resolve('tests/e2e/.tmp', `run-${process.pid}`);

/**
 * Journeys run in Debian's Chromium (or CHROME_PATH); Playwright never downloads a browser here.
 * Each test starts its own server on a free port with a fresh DATA_DIR (tests/e2e/fixtures.ts).
 *
 * Two lanes side by side (issue #16, CI in 20 minutes): the journeys that record a call run one at a
 * time, since two recordings at once on 2 cores would starve the fake microphones; every other
 * journey (a call without a recording too) runs beside them, one at a time too. A call spends most of its minute waiting on the
 * clock, so the pages lane fills that time.
 */
const CALLS = [
	'**/call.e2e.ts',
	'**/call-drop.e2e.ts',
	'**/call-recovery.e2e.ts',
	'**/call-room.e2e.ts',
	'**/call-stall.e2e.ts',
	'**/upload.e2e.ts',
	'**/lifecycle.e2e.ts',
	'**/keyboard-journey.e2e.ts',
	'**/weak-link.e2e.ts',
	'**/instances.e2e.ts'
];
export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	timeout: 60_000,
	expect: { timeout: 10_000 },
	fullyParallel: false,
	workers: 2,
	projects: [
		{ name: 'calls', testMatch: CALLS, workers: 1 },
		{ name: 'pages', testIgnore: CALLS, workers: 1 }
	],
	retries: 0,
	reporter: process.env.CI ? [['list']] : [['list']],
	globalSetup: './tests/e2e/global-setup.ts',
	globalTeardown: './tests/e2e/global-teardown.ts',
	use: {
		launchOptions: {
			executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--use-fake-ui-for-media-stream',
				'--use-fake-device-for-media-stream'
			]
		},
		trace: 'retain-on-failure'
	}
});
