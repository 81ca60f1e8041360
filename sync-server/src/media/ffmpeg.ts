import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Runs one ffmpeg command over in-memory files. A system `ffmpeg` is used when present (faster);
 * otherwise the ffmpeg.wasm core in a worker thread, so the server needs no system package.
 */
export interface Transcoder {
	readonly kind: 'system' | 'wasm';
	run(
		args: string[],
		inputs: Record<string, Uint8Array>,
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

function systemTranscoder(): Transcoder {
	return {
		kind: 'system',
		async run(args, inputs, outputs) {
			const dir = await mkdtemp(join(tmpdir(), 'cg-ffmpeg-'));
			try {
				for (const [name, bytes] of Object.entries(inputs)) await writeFile(join(dir, name), bytes);
				await new Promise<void>((resolve, reject) => {
					const child = spawn('ffmpeg', ['-nostdin', '-y', '-loglevel', 'error', ...args], { cwd: dir });
					let stderr = '';
					child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
					child.on('error', reject);
					child.on('exit', (code) =>
						code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${stderr.slice(-500)}`))
					);
				});
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
			worker ??= start();
			const id = next++;
			const reply = await new Promise<Reply>((resolve) => {
				waiting.set(id, resolve);
				worker?.postMessage({ id, args, inputs, outputs });
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
