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
		alias: { $contracts: 'src/lib/contracts', $core: 'src/lib/core' },
		typescript: {
			// Journeys that start the server's own engines (PostgreSQL, Redis, S3) import its test modules,
			// whose `.ts` import paths only the server's tsconfig allows: it type-checks them instead.
			config: (tsconfig) => ({ ...tsconfig, exclude: [...tsconfig.exclude, '../tests/e2e/instances.e2e.ts'] })
		}
	}
};

export default config;
