import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { copyFfmpegCore } from './scripts/ffmpeg-core.mjs';

// Before SvelteKit lists static/ (the service worker's file list), so the core is served like any file.
copyFfmpegCore();

/**
 * Server tests that never open a store (pure rules, ffmpeg, env parsing, the hub in memory): the same
 * run on either engine, so `server-pg` leaves them to `server` (issue #16, CI time). A new test runs in
 * both until it is named here.
 */
const STORE_FREE_TESTS = [
	'auth/personal-code',
	'conversations/access',
	'conversations/invite',
	'conversations/slots',
	'env',
	'http/body-limit',
	'http/loopback',
	'live/doc-changes',
	'live/hub',
	'mail/catalog',
	'matching/blossom',
	'matching/engine',
	'media/copy-job',
	'media/ffmpeg',
	'media/progressive-copy',
	'media/s3-config',
	'mutations/sealed-result',
	'redis/client',
	'signaling/ice'
].map((name) => `sync-server/src/${name}.test.ts`);

export default defineConfig({
	plugins: [
		// Compile-time i18n (issue #8): each message is its own module, so a page ships only what it uses.
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['localStorage', 'preferredLanguage', 'baseLocale']
		}),
		sveltekit()
	],
	build: { target: 'es2022' },
	// @ffmpeg/ffmpeg starts its own module worker from its package files; pre-bundling would break that path.
	optimizeDeps: { exclude: ['@ffmpeg/ffmpeg', '@ffmpeg/util'] },
	test: {
		// Throw when a test ends without one expect(): a test that checks nothing is a defect (issue #16).
		expect: { requireAssertions: true },
		// Server tests open real SQLite files in temporary folders; keep workers few on 2 cores.
		maxWorkers: 2,
		// Property tests and RSA key generation take seconds on a shared, busy machine; a real hang still fails.
		testTimeout: 30_000,
		projects: [
			{
				// The rune classes (`*.svelte.ts`) in a real browser: Svelte's client runtime, IndexedDB
				// under Dexie, window events. Debian's Chromium; Playwright never downloads one here.
				extends: true,
				test: {
					name: 'client',
					include: ['src/**/*.svelte.{test,spec}.{js,ts}'],
					// A fetch or WebSocket a test stubbed is the browser's own again in the next test.
					unstubGlobals: true,
					browser: {
						enabled: true,
						headless: true,
						// A state class has no page worth a picture; failures would litter src/ with PNGs.
						screenshotFailures: false,
						provider: playwright({
							launchOptions: {
								executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
								args: ['--no-sandbox', '--disable-gpu']
							}
						}),
						instances: [{ browser: 'chromium' }]
					}
				}
			},
			{
				// Everything else: the pure core, the client modules that need no browser, the server.
				extends: true,
				test: {
					name: 'server',
					environment: 'node',
					include: [
						'src/**/*.test.ts',
						'sync-server/**/*.test.ts',
						'bench/**/*.test.ts',
						'tests/e2e/**/*.test.ts'
					],
					exclude: ['src/**/*.svelte.{test,spec}.{js,ts}', '**/*.postgres.test.ts']
				}
			},
			{
				// The server's tests again on a real PostgreSQL 15 (issue #17, DATABASE_URL): the same
				// repositories, migrations and routes. Tests about SQLite itself are named *.sqlite.test.ts.
				extends: true,
				test: {
					name: 'server-pg',
					environment: 'node',
					include: ['sync-server/**/*.test.ts'],
					exclude: ['**/*.sqlite.test.ts', ...STORE_FREE_TESTS],
					env: { TEST_STORE: 'postgres' },
					globalSetup: ['sync-server/src/test/postgres-setup.ts']
				}
			}
		]
	}
});
