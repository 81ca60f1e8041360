// Runs the ffmpeg.wasm core in a worker thread (issue #6: the mixdown must work with no system
// package installed). Plain JavaScript so the worker needs no TypeScript loader.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const coreJs = require.resolve('@ffmpeg/core').replace(/umd\/ffmpeg-core\.js$/, 'esm/ffmpeg-core.js');
// The core is built for browser workers: it reads self.location to find its files.
globalThis.self = { location: { href: pathToFileURL(coreJs).href } };

let core;
// Memoized as a promise: jobs sent together (both share tracks decoded at once) load one core, not two.
function load() {
	core ??= (async () => {
		const { default: createCore } = await import(pathToFileURL(coreJs).href);
		const wasmBinary = await readFile(coreJs.replace(/\.js$/, '.wasm'));
		return createCore({ wasmBinary });
	})().catch((error) => {
		core = undefined;
		throw error;
	});
	return core;
}

parentPort.on('message', async ({ id, args, inputs, outputs }) => {
	const log = [];
	try {
		const ff = await load();
		ff.setLogger(({ message }) => log.length < 200 && log.push(message));
		for (const [name, bytes] of Object.entries(inputs)) ff.FS.writeFile(name, bytes);
		const code = ff.exec(...args);
		ff.reset();
		if (code !== 0) throw new Error(`ffmpeg exited with ${code}: ${log.slice(-5).join(' | ')}`);
		const results = {};
		for (const name of outputs) results[name] = ff.FS.readFile(name);
		for (const name of [...Object.keys(inputs), ...outputs]) ff.FS.unlink(name);
		parentPort.postMessage(
			{ id, results },
			Object.values(results).map((r) => r.buffer)
		);
	} catch (error) {
		parentPort.postMessage({ id, error: String(error?.message ?? error) });
	}
});
