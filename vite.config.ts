import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	build: { target: 'es2022' },
	test: {
		include: ['src/**/*.test.ts', 'sync-server/**/*.test.ts', 'bench/**/*.test.ts'],
		environment: 'node',
		// Server tests open real SQLite files in temporary folders; keep workers few on 2 cores.
		maxWorkers: 2
	}
});
