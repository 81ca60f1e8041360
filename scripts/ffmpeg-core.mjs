// Copies the ffmpeg.wasm core (ESM build, ~31 MB) from node_modules into static/ffmpeg at build
// time, so it is served from our own origin and never committed (issue #6, "The encoder").
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function copyFfmpegCore(target = 'static/ffmpeg') {
	const require = createRequire(import.meta.url);
	const source = join(dirname(require.resolve('@ffmpeg/core')), '..', 'esm');
	mkdirSync(target, { recursive: true });
	for (const file of ['ffmpeg-core.js', 'ffmpeg-core.wasm']) {
		const from = join(source, file);
		const to = join(target, file);
		if (existsSync(to) && statSync(to).size === statSync(from).size) continue;
		copyFileSync(from, to);
	}
}
