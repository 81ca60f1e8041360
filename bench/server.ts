import { mkdirSync } from 'node:fs';
import { BUILDS, TMP } from '../tests/e2e/paths';
import { startAppServer } from '../tests/e2e/server';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A production-like server in its own process, so load generation doesn't share its event loop. */
export async function startBenchServer() {
	mkdirSync(TMP, { recursive: true });
	const staticDir = existsSync('build/200.html') ? 'build' : BUILDS.current;
	if (!existsSync(`${staticDir}/200.html`)) execFileSync('npx', ['vite', 'build'], { stdio: 'ignore' });
	const app = await startAppServer({ staticDir: 'build' });
	return {
		app,
		url: app.url,
		stop: () => app.stop(),
		cpuSeconds: () => app.cpuSeconds(),
		async communityId(): Promise<string> {
			const communities = (await (await fetch(`${app.url}/api/communities`)).json()) as { id: string }[];
			const first = communities[0];
			if (!first) throw new Error('The bench server has no community.');
			return first.id;
		}
	};
}
