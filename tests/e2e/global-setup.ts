import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { BUILDS, TMP } from './paths';

const LOCK = '/tmp/common-ground-build.lock';

/**
 * Two builds of the app, identical but for their version, so the update journey can "deploy" a new
 * one under a running page. `npm test` builds `build/` just before; we copy it rather than rebuild.
 */
export default function globalSetup() {
	rmSync(TMP, { recursive: true, force: true });
	mkdirSync(TMP, { recursive: true });
	process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
	// Builds share .svelte-kit/, so concurrent runs on one machine take turns (flock, from util-linux).
	if (!existsSync('build/200.html'))
		execFileSync('flock', [LOCK, 'npx', 'vite', 'build'], { stdio: 'inherit' });
	execFileSync('flock', [LOCK, 'cp', '-r', 'build', BUILDS.current]);
	execFileSync('flock', [LOCK, 'npx', 'vite', 'build'], {
		stdio: 'ignore',
		env: { ...process.env, APP_VERSION: BUILDS.nextVersion, BUILD_DIR: BUILDS.next }
	});
	if (!existsSync(`${BUILDS.next}/200.html`))
		throw new Error('The second build for the update journey failed.');
}
