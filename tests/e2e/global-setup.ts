import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { BUILDS, TMP } from './paths';

/**
 * Two builds of the app, identical but for their version, so the update journey can "deploy" a new
 * one under a running page. `npm test` builds `build/` just before; we copy it rather than rebuild.
 */
export default function globalSetup() {
	rmSync(TMP, { recursive: true, force: true });
	mkdirSync(TMP, { recursive: true });
	if (!existsSync('build/200.html')) execFileSync('npx', ['vite', 'build'], { stdio: 'inherit' });
	cpSync('build', BUILDS.current, { recursive: true });
	execFileSync('npx', ['vite', 'build'], {
		stdio: 'ignore',
		env: { ...process.env, APP_VERSION: BUILDS.nextVersion, BUILD_DIR: BUILDS.next }
	});
	if (!existsSync(`${BUILDS.next}/200.html`))
		throw new Error('The second build for the update journey failed.');
}
