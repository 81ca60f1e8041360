import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const buildDir = process.env.BUILD_DIR || 'build';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// A single-page app: the sync-server serves `build/` and answers unknown paths with the shell (200.html).
		// BUILD_DIR lets the update journey build a second version beside the first.
		adapter: adapter({ pages: buildDir, assets: buildDir, fallback: '200.html', strict: true }),
		// Registered through workbox-window in src/lib/sync/service-worker.ts, so updates can wait for the person.
		serviceWorker: { register: false },
		version: { name: process.env.APP_VERSION || version },
		alias: { $contracts: 'src/lib/contracts', $core: 'src/lib/core' }
	}
};

export default config;
