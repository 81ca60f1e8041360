import { resolve } from 'node:path';

// Each Playwright run gets its own scratch folder (set once in playwright.config.ts and inherited by
// the workers), so two runs on one machine never delete each other's servers or builds.
export const TMP = resolve(process.env.E2E_TMP ?? 'tests/e2e/.tmp/manual');
export const BUILDS = {
	current: resolve(TMP, 'build-current'),
	next: resolve(TMP, 'build-next'),
	nextVersion: 'e2e-next'
};
