import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, expect, type Browser, type Page } from '@playwright/test';
import { WINDOW_MS } from './audio-match';
import { endAfterTest } from './processes';

const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';

/** Chromium flags for a fake microphone that plays `wav` (each browser gets its own voice). */
export function micArgs(wav: string): string[] {
	return [
		'--no-sandbox',
		'--disable-gpu',
		'--no-first-run',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--use-fake-ui-for-media-stream',
		'--use-fake-device-for-media-stream',
		`--use-file-for-fake-audio-capture=${wav}`,
		'--autoplay-policy=no-user-gesture-required'
	];
}

export async function launchWithMic(
	wav: string,
	{
		executablePath = CHROME,
		args = []
	}: {
		/** Another way to start Chromium: the weak-link harness's, in a network namespace (issue #18). */
		executablePath?: string;
		args?: string[];
	} = {}
): Promise<Browser> {
	const browser = await chromium.launch({ executablePath, args: [...micArgs(wav), ...args] });
	const forget = endAfterTest(() => browser.close());
	browser.on('disconnected', forget);
	return browser;
}

export type KillableBrowser = {
	browser: Browser;
	process: ChildProcess;
	/** Kills the whole browser at once, every process of it, as a crash does; resolves once it is gone. */
	kill: () => Promise<void>;
};

/**
 * A Chromium we start ourselves (with a profile folder), so a test can kill it with SIGKILL like a
 * crash and start it again on the same profile. Playwright drives it over CDP. It leads its own
 * process group, so a kill reaches its renderers and utility processes too.
 */
export async function launchKillable(wav: string, profileDir: string): Promise<KillableBrowser> {
	const child = spawn(
		CHROME,
		[
			...micArgs(wav),
			'--headless',
			`--user-data-dir=${profileDir}`,
			'--remote-debugging-port=0',
			'about:blank'
		],
		{ stdio: ['ignore', 'ignore', 'pipe'], detached: true }
	);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const kill = async () => {
		try {
			process.kill(-child.pid!, 'SIGKILL');
		} catch {
			// the group is gone already
		}
		await exited;
	};
	const forget = endAfterTest(kill);
	void exited.then(forget);
	const endpoint = await new Promise<string>((resolve, reject) => {
		let output = '';
		child.stderr?.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
			if (match?.[1]) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`Chromium exited (${code}):\n${output}`)));
	});
	return { browser: await chromium.connectOverCDP(endpoint), process: child, kill };
}

export async function signIn(page: Page, signInUrl: string) {
	await page.goto(signInUrl);
	await expect(page.getByTestId('signed-in')).toBeVisible({ timeout: 20_000 });
}

/** Through the mic check into the call (opening the room first, unless `roomUrl` is undefined). */
export async function joinRoom(page: Page, roomUrl: string | undefined) {
	if (roomUrl) await page.goto(roomUrl);
	await page.getByRole('button', { name: 'Allow the microphone' }).click();
	await expect(page.getByLabel('Microphone level')).toBeVisible();
	await page.getByRole('button', { name: 'Join the call' }).click();
	await expect(page.getByRole('heading', { name: 'In this room' })).toBeVisible();
}

export type SavedTrack = {
	status: string;
	sampleRate: number;
	sampleCount: number;
	segmentCount: number;
	recordingId: string;
	dropouts: { atSample: number; missingMs: number }[];
	recoveries: number;
	pauses: { atSample: number; resumedAtServerMs?: number }[];
	index: { kind: string; text?: string; asked?: boolean; atServerMs: number }[];
	/** Segments as saved: contiguous sample indexes, server times. */
	segments: { startSample: number; sampleCount: number; serverTimeMs: number }[];
	envelope: number[];
};

/**
 * Reads this device's track for a conversation straight from IndexedDB (not through the app), and
 * reduces its audio to an RMS envelope in the page, so megabytes of PCM need not cross to the test.
 */
export function readTrack(page: Page, conversationId: string): Promise<SavedTrack | undefined> {
	return page.evaluate(
		async ({ conversationId, windowMs }) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const req = indexedDB.open('common-ground');
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			const all = <T>(store: string, query?: IDBKeyRange) =>
				new Promise<T[]>((resolve, reject) => {
					const req = db.transaction(store).objectStore(store).getAll(query);
					req.onsuccess = () => resolve(req.result as T[]);
					req.onerror = () => reject(req.error);
				});
			type Track = Omit<SavedTrack, 'segments' | 'envelope'> & {
				id: string;
				conversationId: string;
				updatedAt: number;
			};
			const tracks = (await all<Track>('tracks')).filter((t) => t.conversationId === conversationId);
			const track = tracks.sort((a, b) => b.updatedAt - a.updatedAt)[0];
			if (!track) return undefined;
			type Segment = { startSample: number; sampleCount: number; serverTimeMs: number; pcm: ArrayBuffer };
			const segments = await all<Segment>(
				'segments',
				IDBKeyRange.bound([track.id, -Infinity], [track.id, Infinity])
			);
			db.close();
			const size = Math.round((track.sampleRate * windowMs) / 1000);
			const envelope: number[] = [];
			let sum = 0;
			let n = 0;
			for (const segment of segments) {
				for (const s of new Int16Array(segment.pcm)) {
					sum += (s / 32768) ** 2;
					if (++n === size) {
						envelope.push(Math.sqrt(sum / size));
						sum = 0;
						n = 0;
					}
				}
			}
			return {
				status: track.status,
				sampleRate: track.sampleRate,
				sampleCount: track.sampleCount,
				segmentCount: track.segmentCount,
				recordingId: track.recordingId,
				dropouts: track.dropouts,
				recoveries: track.recoveries,
				pauses: track.pauses,
				index: track.index,
				segments: segments.map(({ startSample, sampleCount, serverTimeMs }) => ({
					startSample,
					sampleCount,
					serverTimeMs
				})),
				envelope
			};
		},
		{ conversationId, windowMs: WINDOW_MS }
	);
}

/** Waits (polling often, so a stop lands close to the mark) until the page's timer passes `ms`. */
export async function waitForElapsed(
	page: Page,
	ms: number,
	testId = 'elapsed',
	attribute = 'data-elapsed-ms'
) {
	await page.waitForFunction(
		({ ms, testId, attribute }) =>
			Number(document.querySelector(`[data-testid="${testId}"]`)?.getAttribute(attribute) ?? 0) >= ms,
		{ ms, testId, attribute },
		{ polling: 50, timeout: ms + 60_000 }
	);
}

/**
 * Issue #15: while recording, "saved on this device" keeps up with the timer. Waits until the
 * page's timer has moved on by `ms`, then checks that the saved time moved on by as much, less
 * a second and a half for the segment being filled and an audio-thread stall on a busy machine.
 */
export async function expectSavedKeepsUp(page: Page, who: string, ms = 6_000) {
	const read = async (testId: string, attribute: string) =>
		Number(await page.getByTestId(testId).getAttribute(attribute));
	await expect(page.getByTestId('recording-state')).toHaveAttribute('data-state', 'recording');
	const elapsed = await read('elapsed', 'data-elapsed-ms');
	const saved = await read('recorded-here', 'data-recorded-ms');
	await waitForElapsed(page, elapsed + ms);
	const savedSince = (await read('recorded-here', 'data-recorded-ms')) - saved;
	const timerSince = (await read('elapsed', 'data-elapsed-ms')) - elapsed;
	expect(savedSince, `${who}: saved on this device keeps up with the timer`).toBeGreaterThan(
		timerSince - 1_500
	);
	await expect(page.getByTestId('recorder-behind'), `${who}: no warning that saving is behind`).toHaveCount(
		0
	);
}

/**
 * Listens to every remote voice on the page for `ms` through WebAudio (an AnalyserNode on each
 * playing `<audio>`'s stream): its track state and the loudest RMS heard, per element label.
 */
export function remoteVoices(
	page: Page,
	ms = 3_000
): Promise<{ label: string; readyState: string; peakRms: number }[]> {
	return page.evaluate(async (ms) => {
		const context = new AudioContext();
		await context.resume();
		const probes = Array.from(document.querySelectorAll<HTMLAudioElement>('audio[autoplay]')).map((audio) => {
			const stream = audio.srcObject as MediaStream | null;
			const track = stream?.getAudioTracks()[0];
			const analyser = context.createAnalyser();
			analyser.fftSize = 2048;
			if (stream && track) context.createMediaStreamSource(stream).connect(analyser);
			return { label: audio.getAttribute('aria-label') ?? '', track, analyser, peak: 0 };
		});
		const buffer = new Float32Array(2048);
		const until = performance.now() + ms;
		while (performance.now() < until) {
			await new Promise((r) => setTimeout(r, 50));
			for (const probe of probes) {
				probe.analyser.getFloatTimeDomainData(buffer);
				const rms = Math.sqrt(buffer.reduce((sum, x) => sum + x * x, 0) / buffer.length);
				probe.peak = Math.max(probe.peak, rms);
			}
		}
		await context.close();
		return probes.map((p) => ({
			label: p.label,
			readyState: p.track?.readyState ?? 'none',
			peakRms: p.peak
		}));
	}, ms);
}

/** Everything this device holds of recordings: tracks and segments in IndexedDB. */
export function recordedHere(page: Page): Promise<{ tracks: number; segments: number }> {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const req = indexedDB.open('common-ground');
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error);
		});
		const count = (store: string) =>
			new Promise<number>((resolve, reject) => {
				const req = db.transaction(store).objectStore(store).count();
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
		const result = { tracks: await count('tracks'), segments: await count('segments') };
		db.close();
		return result;
	});
}

/**
 * Cuts one browser off the network the way a dropped link does: kills (by its id) the Chromium
 * network-service process under `browserPid`, which holds every socket the browser has, the
 * WebRTC media and the signaling socket alike. Chromium starts a fresh one, as a device whose
 * Wi-Fi comes back would reconnect. Returns the killed process id.
 */
export function killNetworkService(browserPid: number): number {
	const children = (pid: number): number[] => {
		const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
		return out
			.split('\n')
			.map((s) => Number(s.trim()))
			.filter((n) => n > 0);
	};
	const descendants: number[] = [];
	for (let queue = children(browserPid); queue.length > 0;) {
		const pid = queue.shift()!;
		descendants.push(pid);
		queue.push(...children(pid));
	}
	const network = descendants.find((pid) => {
		try {
			return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('network.mojom.NetworkService');
		} catch {
			return false;
		}
	});
	if (!network) throw new Error('No network service process found under the browser.');
	process.kill(network, 'SIGKILL');
	return network;
}

export type ServerUpload = { id: string; userId?: string; kind?: string; size?: number; bytes: number };

/** The tus file store on the server's disk: each upload's record and how many bytes it holds. */
export function serverUploads(dataDir: string): ServerUpload[] {
	const dir = join(dataDir, 'uploads');
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.map((f) => {
			const id = f.slice(0, -'.json'.length);
			const record = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
				size?: number;
				metadata?: Record<string, string>;
			};
			const data = join(dir, id);
			return {
				id,
				userId: record.metadata?.userId,
				kind: record.metadata?.kind,
				size: record.size ?? undefined,
				bytes: existsSync(data) ? statSync(data).size : 0
			};
		});
}

/** Stop, confirmed in the dialog that says it stops both people (issue #14). */
export async function stopRecording(page: Page) {
	await page.getByRole('button', { name: 'Stop recording' }).click();
	const dialog = page.getByRole('dialog', { name: 'Stop the recording for both of you?' });
	await dialog.getByRole('button', { name: 'Stop for both of us' }).click();
	await expect(dialog).toBeHidden();
}
