import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

process.env.E2E_TMP ??= resolve('tests/e2e/.tmp', `run-${process.pid}`);

/**
 * Journeys run in Debian's Chromium (or CHROME_PATH); Playwright never downloads a browser here.
 * Each test starts its own server on a free port with a fresh DATA_DIR (tests/e2e/fixtures.ts).
 *
 * Two lanes (issue #16): the journeys that record a call, one at a time, and every other journey.
 * Side by side (two workers, the default off CI) the pages lane is niced so its browsers take only
 * the CPU the calls leave. That is not enough on 2 cores: in a fresh-clone CI run with both lanes,
 * the 60 s recording of call.e2e.ts came out 1.6 s short (its starved fake microphone delivered
 * fewer samples, and the recorder noted the gap). So CI runs one journey at a time.
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
	workers: process.env.CI ? 1 : 2,
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
