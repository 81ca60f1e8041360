import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { BUILDS, TMP } from './paths';

const LOCK = '/tmp/common-ground-build.lock';

/**
 * Two builds of the app, identical but for their version, so the update journey can "deploy" a new
 * one under a running page. The second is always built: a copy with its version rewritten would keep
 * the first one's immutable file names, and a browser would serve their old contents from its cache.
 *
 * The first: `npm test` has just built `build/` in the same run and says so with E2E_REUSE_BUILD=1, so
 * it is copied. Otherwise `build/` may be older than the source (its age proves nothing), so the
 * journeys build their own, straight into the scratch folder, leaving `build/` alone.
 */
export default function globalSetup() {
	rmSync(TMP, { recursive: true, force: true });
	mkdirSync(TMP, { recursive: true });
	process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
	// Builds share .svelte-kit/, so concurrent runs on one machine take turns (flock, from util-linux).
	if (process.env.E2E_REUSE_BUILD === '1') {
		if (!existsSync('build/200.html'))
			throw new Error('E2E_REUSE_BUILD=1 says build/ is fresh, but there is no build/200.html.');
		execFileSync('flock', [LOCK, 'cp', '-r', 'build', BUILDS.current]);
	} else {
		execFileSync('flock', [LOCK, 'npx', 'vite', 'build'], {
			stdio: 'inherit',
			env: { ...process.env, BUILD_DIR: BUILDS.current }
		});
	}
	execFileSync('flock', [LOCK, 'npx', 'vite', 'build'], {
		stdio: 'ignore',
		env: { ...process.env, APP_VERSION: BUILDS.nextVersion, BUILD_DIR: BUILDS.next }
	});
	for (const dir of [BUILDS.current, BUILDS.next])
		if (!existsSync(`${dir}/200.html`)) throw new Error(`The build in ${dir} failed.`);
}
