// `npm start`: build the app if it is missing or older than its sources, then run the sync-server
// (which runs migrations) on one port. Issue #2: "builds if needed, runs migrations, serves everything".
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];
const STAMP = join(process.env.STATIC_DIR || 'build', '200.html');

function newest(path) {
	const info = statSync(path);
	if (!info.isDirectory()) return info.mtimeMs;
	return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function needsBuild() {
	if (!existsSync(STAMP)) return true;
	const built = statSync(STAMP).mtimeMs;
	return SOURCES.some((source) => existsSync(source) && newest(source) > built);
}

if (!process.env.STATIC_DIR && needsBuild()) {
	console.log('Building the app (first start or sources changed)…');
	execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
		stdio: 'inherit'
	});
}

register();
await import('../sync-server/src/main.ts');
