import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClockFit } from '../../../src/lib/core/clock-fit.ts';
import { COPY_SAMPLE_RATE } from '../../../src/lib/core/mixdown.ts';
import { ProgressiveMixer } from '../../../src/lib/core/progressive-mix.ts';
import type { Logger } from '../log.ts';
import type { TrackFile } from '../store/types.ts';
import type { BlobStore } from './blob-store.ts';
import { COPIES_DIR, type MixedCopy } from './copy-job.ts';

/** A share track going up during the call, as the mix knows it: its upload and its clock fit as known so far. */
export type LiveVoice = { uploadId: string; fit: ClockFit };

/** The uploads and the scratch file are in DATA_DIR; the finished copy goes to the blob store. */
type ProgressiveDeps = {
	dataDir: string;
	log: Logger;
	blobs: BlobStore;
	/** How far the mix stays behind the samples that arrived (core/progressive-mix's RENDER_LAG_SAMPLES). */
	lagSamples?: number;
};

/** Where a copy being mixed during the call is written: never the copy's own name, and never served. */
export const progressivePath = (dataDir: string, conversationId: string) =>
	join(dataDir, COPIES_DIR, `${conversationId}.opus.progressive`);

/**
 * The copy mixed while the call goes on (issue #16). One system ffmpeg per voice decodes its upload
 * as its pages arrive (the bytes of a tus upload only ever grow), core/progressive-mix places and
 * gains them, and one more ffmpeg encodes the stereo copy in order into a temporary file. At the
 * end, if both tracks confirmed are these uploads and their declared clock fits place the voices
 * where the mix did (ProgressiveMixer.placedAsBy), only the tail is mixed and the file is renamed
 * into place whole; otherwise `finish` says no and the whole-file mix runs as before. Each PATCH
 * brings the voice's newer clock fit (`updateFit`), which the mix follows.
 *
 * Nothing of it survives a crash that matters: the temporary file is never the copy, and a new
 * progressive mix of the same call starts from the first byte of both uploads, which are on disk.
 */
export class ProgressiveCopy {
	readonly voices: readonly [LiveVoice, LiveVoice];
	readonly #dataDir: string;
	readonly #blobs: BlobStore;
	readonly #conversationId: string;
	readonly #log: Logger;
	readonly #mixer: ProgressiveMixer;
	readonly #decoders: [ChildProcess, ChildProcess];
	readonly #decoded: [Promise<void>, Promise<void>];
	readonly #encoder: ChildProcess;
	readonly #encoded: Promise<void>;
	readonly #fed = [0, 0];
	#feeding: Promise<void> = Promise.resolve();
	#pumping = false;
	#pumped: Promise<void> = Promise.resolve();
	#failure: Error | undefined;
	#over = false;

	private constructor(
		deps: ProgressiveDeps,
		conversationId: string,
		voices: readonly [LiveVoice, LiveVoice]
	) {
		this.voices = voices;
		this.#dataDir = deps.dataDir;
		this.#blobs = deps.blobs;
		this.#log = deps.log;
		this.#conversationId = conversationId;
		this.#mixer = new ProgressiveMixer([voices[0].fit, voices[1].fit], { lagSamples: deps.lagSamples });
		const rate = String(COPY_SAMPLE_RATE);
		const decoder = (ch: 0 | 1) => {
			const child = ffmpeg(['-f', 'ogg', '-i', 'pipe:0', '-f', 'f32le', '-ac', '1', '-ar', rate, 'pipe:1']);
			let carry = new Uint8Array(0);
			child.stdout?.on('data', (chunk: Buffer) => {
				const bytes = carry.length ? concat(carry, chunk) : new Uint8Array(chunk);
				const whole = bytes.length - (bytes.length % 4);
				carry = bytes.slice(whole);
				if (this.#over || whole === 0) return;
				this.#mixer.push(ch, new Float32Array(bytes.slice(0, whole).buffer));
				this.#pump();
			});
			return child;
		};
		this.#decoders = [decoder(0), decoder(1)];
		this.#decoded = [exited(this.#decoders[0]), exited(this.#decoders[1])];
		this.#encoder = ffmpeg([
			...['-f', 'f32le', '-ar', rate, '-ac', '2', '-i', 'pipe:0'],
			...['-c:a', 'libopus', '-b:a', '64k', '-vbr', 'constrained', '-f', 'ogg'],
			progressivePath(this.#dataDir, conversationId)
		]);
		this.#encoded = exited(this.#encoder);
		for (const p of [...this.#decoded, this.#encoded]) p.catch((error: Error) => this.#fail(error));
	}

	static async start(
		deps: ProgressiveDeps,
		conversationId: string,
		voices: readonly [LiveVoice, LiveVoice]
	): Promise<ProgressiveCopy> {
		await mkdir(join(deps.dataDir, COPIES_DIR), { recursive: true });
		return new ProgressiveCopy(deps, conversationId, voices);
	}

	/** Output samples per channel mixed so far. */
	get rendered(): number {
		return this.#mixer.rendered;
	}

	get failed(): boolean {
		return this.#failure !== undefined;
	}

	/** A newer clock fit of voice 0 (left) or 1 (right), measured over more of its segments. */
	updateFit(voice: 0 | 1, fit: ClockFit) {
		this.#mixer.updateFit(voice, fit);
	}

	/** New bytes may be in the uploads: decode what is new. */
	grew(): Promise<void> {
		this.#feeding = this.#feeding.then(() => this.#feed()).catch((error: Error) => this.#fail(error));
		return this.#feeding;
	}

	/**
	 * Both share tracks are confirmed: mixes the tail and renames the copy into place, or answers
	 * undefined (and leaves nothing behind) when the mix made during the call is not this copy.
	 */
	async finish(tracks: readonly [TrackFile, TrackFile]): Promise<MixedCopy | undefined> {
		const started = performance.now();
		const why = this.#unusable(tracks);
		if (why) {
			this.#log.info('copy mixed after the call instead of during it', {
				conversationId: this.#conversationId,
				why
			});
			await this.abort();
			return undefined;
		}
		try {
			// The tail is placed by the declared fits, and the whole mix must be where they put it.
			tracks.forEach(({ startedAtServerMs, samplesPerSecond }, ch) =>
				this.#mixer.updateFit(ch as 0 | 1, { startedAtServerMs, samplesPerSecond })
			);
			await this.grew();
			for (const d of this.#decoders) d.stdin?.end();
			await Promise.all(this.#decoded);
			if (this.#failure) throw this.#failure;
			const decodedAt = performance.now();
			this.#mixer.end(0);
			this.#mixer.end(1);
			this.#pump();
			await this.#pumped;
			this.#encoder.stdin?.end();
			await this.#encoded;
			if (this.#failure) throw this.#failure;
			const encodedAt = performance.now();
			if (!this.#mixer.placedAsBy(tracks))
				throw new Error('the declared clock fits place the voices differently');
			const decodedMs = ((this.#mixer.length ?? 0) / COPY_SAMPLE_RATE) * 1000;
			// The decoded voices must be the confirmed files (their probed lengths); else mix them whole.
			const spanMs =
				Math.max(...tracks.map((t) => t.startedAtServerMs + t.durationMs)) -
				Math.min(...tracks.map((t) => t.startedAtServerMs));
			if (Math.abs(decodedMs - spanMs) > 250)
				throw new Error(`the mix made during the call is ${Math.round(decodedMs)} ms long, not ${spanMs}`);
			const temporary = progressivePath(this.#dataDir, this.#conversationId);
			const encoded = await readFile(temporary);
			const filePath = join(COPIES_DIR, `${this.#conversationId}.opus`);
			// Synced and renamed into place on disk, or sent up whole to the bucket (and the scratch file dropped).
			await this.#blobs.put(filePath, { path: temporary });
			await rm(temporary, { force: true });
			this.#over = true;
			return {
				filePath,
				sha256: createHash('sha256').update(encoded).digest('hex'),
				bytes: encoded.byteLength,
				durationMs: Math.round(decodedMs),
				loudness: this.#mixer.loudness,
				stepsMs: {
					decode: Math.round(decodedAt - started),
					plan: 0,
					encode: Math.round(encodedAt - decodedAt)
				}
			};
		} catch (error) {
			this.#log.warn('the copy mixed during the call failed; mixing it whole', {
				conversationId: this.#conversationId,
				error
			});
			await this.abort();
			return undefined;
		}
	}

	/** Stops and removes everything of this mix (the call was abandoned, a track restarted, shutdown). */
	async abort(): Promise<void> {
		this.#over = true;
		for (const child of [...this.#decoders, this.#encoder]) child.kill('SIGKILL');
		await Promise.allSettled([...this.#decoded, this.#encoded]);
		await rm(progressivePath(this.#dataDir, this.#conversationId), { force: true });
	}

	#unusable(tracks: readonly [TrackFile, TrackFile]): string | undefined {
		if (this.#failure) return `it failed: ${this.#failure.message}`;
		if (tracks.some((t, i) => t.uploadId !== this.voices[i]?.uploadId)) return 'a track was sent again whole';
		if (tracks.some((t) => t.codec !== 'opus')) return 'a track is not Opus';
		if (!this.#mixer.placedAsBy(tracks)) return 'the declared clock fits place the voices differently';
		return undefined;
	}

	async #feed(): Promise<void> {
		for (const ch of [0, 1] as const) {
			if (this.#over) return;
			const path = join(this.#dataDir, 'uploads', this.voices[ch].uploadId);
			const size = (await stat(path)).size;
			if (size <= (this.#fed[ch] as number)) continue;
			const handle = await open(path, 'r');
			let bytes: Buffer;
			try {
				bytes = Buffer.alloc(size - (this.#fed[ch] as number));
				await handle.read(bytes, 0, bytes.length, this.#fed[ch]);
			} finally {
				await handle.close();
			}
			this.#fed[ch] = size;
			const stdin = this.#decoders[ch].stdin;
			if (stdin && !stdin.write(bytes)) await once(stdin, 'drain');
		}
	}

	/** Renders what both voices reach into the encoder, one pump at a time, with its backpressure. */
	#pump() {
		if (this.#pumping || this.#over) return;
		this.#pumping = true;
		this.#pumped = (async () => {
			try {
				const stdin = this.#encoder.stdin;
				for (let pieces = this.#mixer.take(); pieces.length; pieces = this.#mixer.take()) {
					for (const piece of pieces)
						if (stdin && !stdin.write(new Uint8Array(piece.buffer))) await once(stdin, 'drain');
				}
			} catch (error) {
				this.#fail(error as Error);
			} finally {
				this.#pumping = false;
			}
		})();
	}

	#fail(error: Error) {
		if (this.#over) return;
		this.#failure ??= error;
	}
}

function ffmpeg(args: string[]): ChildProcess {
	const child = spawn('ffmpeg', ['-y', '-loglevel', 'error', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
	// A pipe closed under us is reported by the exit code, not as an unhandled error.
	child.stdin?.on('error', () => undefined);
	return child;
}

function exited(child: ChildProcess): Promise<void> {
	let stderr = '';
	child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
	return new Promise((resolve, reject) => {
		child.on('error', reject);
		// 'close', not 'exit': every byte the process wrote has been read by then.
		child.on('close', (code, signal) =>
			code === 0
				? resolve()
				: reject(new Error(`ffmpeg exited with ${code ?? signal}: ${stderr.slice(-300)}`))
		);
	});
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
	const out = new Uint8Array(a.length + b.length);
	out.set(a);
	out.set(b, a.length);
	return out;
}
