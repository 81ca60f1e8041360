import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { copyFfmpegCore } from './scripts/ffmpeg-core.mjs';

// Before SvelteKit lists static/ (the service worker's file list), so the core is served like any file.
copyFfmpegCore();

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
		include: ['src/**/*.test.ts', 'sync-server/**/*.test.ts', 'bench/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
		environment: 'node',
		// Server tests open real SQLite files in temporary folders; keep workers few on 2 cores.
		maxWorkers: 2,
		// Property tests and RSA key generation take seconds on a shared, busy machine; a real hang still fails.
		testTimeout: 30_000
	}
});
