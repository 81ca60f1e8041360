import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

process.env.E2E_TMP ??= resolve('tests/e2e/.tmp', `run-${process.pid}`);

/**
 * Journeys run in Debian's Chromium (or CHROME_PATH); Playwright never downloads a browser here.
 * Each test starts its own server on a free port with a fresh DATA_DIR (tests/e2e/fixtures.ts).
 */
export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	timeout: 60_000,
	expect: { timeout: 10_000 },
	fullyParallel: false,
	workers: process.env.CI ? 1 : 2,
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
