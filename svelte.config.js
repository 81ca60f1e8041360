import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// A single-page app: the sync-server serves `build/` and answers unknown paths with the shell (200.html).
		adapter: adapter({ pages: 'build', assets: 'build', fallback: '200.html', strict: true }),
		// Registered through workbox-window in src/lib/sync/service-worker.ts, so updates can wait for the person.
		serviceWorker: { register: false },
		version: { name: process.env.APP_VERSION || process.env.npm_package_version || 'dev' },
		alias: { $contracts: 'src/lib/contracts', $core: 'src/lib/core' }
	}
};

export default config;
