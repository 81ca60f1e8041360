import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';

/**
 * An input file's bytes, whole or as chunks made on demand. A system ffmpeg reads one chunked input
 * from its stdin while the chunks are still being made (the copy is rendered while it is encoded,
 * issue #6); ffmpeg.wasm gets the chunks joined into one file.
 */
export type TranscoderInput = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Runs one ffmpeg command over in-memory files. A system `ffmpeg` is used when present (faster);
 * otherwise the ffmpeg.wasm core in a worker thread, so the server needs no system package.
 */
export interface Transcoder {
	readonly kind: 'system' | 'wasm';
	run(
		args: string[],
		inputs: Record<string, TranscoderInput>,
		outputs: string[]
	): Promise<Record<string, Uint8Array>>;
	close(): Promise<void>;
}

export function createTranscoder({ prefer = 'system' }: { prefer?: 'system' | 'wasm' } = {}): Transcoder {
	if (prefer === 'system' && hasSystemFfmpeg()) return systemTranscoder();
	return wasmTranscoder();
}

function hasSystemFfmpeg(): boolean {
	try {
		return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
	} catch {
		return false;
	}
}

const isWhole = (input: TranscoderInput): input is Uint8Array => input instanceof Uint8Array;

function systemTranscoder(): Transcoder {
	return {
		kind: 'system',
		async run(args, inputs, outputs) {
			const dir = await mkdtemp(join(tmpdir(), 'cg-ffmpeg-'));
			try {
				const streamed = Object.entries(inputs).filter(([, input]) => !isWhole(input));
				if (streamed.length > 1) throw new Error('ffmpeg can read only one chunked input (its stdin)');
				for (const [name, bytes] of Object.entries(inputs))
					if (isWhole(bytes)) await writeFile(join(dir, name), bytes);
				const [stdinName, chunks] = streamed[0] ?? [];
				await runFfmpeg(
					dir,
					args.map((a) => (a === stdinName ? 'pipe:0' : a)),
					chunks as AsyncIterable<Uint8Array> | undefined
				);
				const results: Record<string, Uint8Array> = {};
				for (const name of outputs) results[name] = new Uint8Array(await readFile(join(dir, name)));
				return results;
			} finally {
				await rm(dir, { recursive: true, force: true });
			}
		},
		async close() {}
	};
}

async function runFfmpeg(cwd: string, args: string[], stdin?: AsyncIterable<Uint8Array>): Promise<void> {
	const child = spawn('ffmpeg', [...(stdin ? [] : ['-nostdin']), '-y', '-loglevel', 'error', ...args], {
		cwd,
		stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe']
	});
	let stderr = '';
	child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
	const exited = new Promise<void>((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${stderr.slice(-500)}`))
		);
	});
	// Backpressure comes from the pipe: chunks are made only as fast as ffmpeg reads them.
	const fed = stdin && child.stdin ? pipeline(Readable.from(stdin), child.stdin) : Promise.resolve();
	const [exit, feed] = await Promise.allSettled([exited, fed]);
	// When ffmpeg fails its exit says why; the broken pipe that follows says nothing.
	if (exit.status === 'rejected') throw exit.reason;
	if (feed.status === 'rejected') throw feed.reason;
}

/** Chunks joined into a buffer of our own, which can be moved to the worker instead of copied. */
async function joined(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
	const parts: Uint8Array[] = [];
	for await (const chunk of chunks) parts.push(chunk);
	const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
	let at = 0;
	for (const part of parts.splice(0)) {
		out.set(part, at);
		at += part.byteLength;
	}
	return out;
}

type Reply = { id: number; results?: Record<string, Uint8Array>; error?: string };

function wasmTranscoder(): Transcoder {
	let worker: Worker | undefined;
	let next = 0;
	const waiting = new Map<number, (reply: Reply) => void>();
	const start = () => {
		const w = new Worker(new URL('./ffmpeg-worker.mjs', import.meta.url));
		w.on('message', (reply: Reply) => {
			waiting.get(reply.id)?.(reply);
			waiting.delete(reply.id);
		});
		w.on('error', (error) => {
			for (const done of waiting.values()) done({ id: -1, error: String(error) });
			waiting.clear();
			worker = undefined;
		});
		return w;
	};
	return {
		kind: 'wasm',
		async run(args, inputs, outputs) {
			const files: Record<string, Uint8Array> = {};
			// A 40-minute stereo mix is 920 MB: move the joined chunks rather than copy them. Whole
			// inputs stay the caller's and are copied.
			const moved: ArrayBuffer[] = [];
			for (const [name, input] of Object.entries(inputs)) {
				const bytes = isWhole(input) ? input : await joined(input);
				if (bytes !== input) moved.push(bytes.buffer as ArrayBuffer);
				files[name] = bytes;
			}
			worker ??= start();
			const id = next++;
			const reply = await new Promise<Reply>((resolve) => {
				waiting.set(id, resolve);
				worker?.postMessage({ id, args, inputs: files, outputs }, moved);
			});
			if (reply.error || !reply.results) throw new Error(reply.error ?? 'ffmpeg.wasm gave no output');
			return reply.results;
		},
		async close() {
			await worker?.terminate();
			worker = undefined;
		}
	};
}
