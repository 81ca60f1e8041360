import type { FileReader, HttpStack, UploadOptions } from 'tus-js-client';
import * as v from 'valibot';
import type { TrackKind } from '../contracts/consent';
import { CONFIRMED_CHECKSUM_HEADER, CONVERSATION_HEADER, UploadFinished } from '../contracts/uploads';
import { fitClock, type ClockPoint } from '../core/clock-fit';
import {
	advance,
	initialPipeline,
	nextStep,
	stageOf,
	uploadIdOf,
	type PipelineEvent,
	type PipelineState,
	type TrackPhase
} from '../core/track-pipeline';
import type { CommonGroundDb } from '../db/db';
import type { UploadRecord } from '../db/after';
import { MIME, sha256Hex, type EncoderName } from '../media/encoder';
import { api } from './api';

/**
 * The one adapter of the track pipeline (core/track-pipeline, issue #16): it alone writes a file's
 * Dexie `uploads` row and talks tus. Its two inputs are the share track sent during the call
 * (sync/live-upload) and the upload runner's round after it (sync/upload-queue); both feed events
 * in here, and `sendFile` does what the machine's state says next.
 */

/** 256 KiB: a few seconds per request on a 3G uplink, so a lost connection costs at most that much again. */
export const CHUNK_BYTES = 256 * 1024;
/** During the call: small pieces, paced by what the call leaves over. */
export const LIVE_CHUNK_BYTES = 32 * 1024;

export type FileOf = { id: string; trackId: string; conversationId: string; kind: TrackKind };

/** What the one builder of the upload record needs: the encoded bytes and how they map to the recording. */
export type EncodedFile = {
	kind: TrackKind;
	bytes: Uint8Array;
	sampleRate: number;
	/** Samples of audio in the file. */
	samples: number;
	/** Each segment's first sample and server time, for the clock fit. */
	points: readonly ClockPoint[];
	encoder: EncoderName;
	encodeMs: number;
};

/** The one builder of the upload record's file part (checksum, duration, clock fit, Blob). */
export async function fileRecord(file: EncodedFile): Promise<Partial<UploadRecord>> {
	const fit = fitClock(file.points, file.sampleRate);
	return {
		blob: new Blob([file.bytes as BlobPart], { type: MIME[file.kind] }),
		sha256: await sha256Hex(file.bytes),
		bytes: file.bytes.byteLength,
		durationMs: Math.round((file.samples / file.sampleRate) * 1000),
		startedAtServerMs: fit.startedAtServerMs,
		samplesPerSecond: fit.samplesPerSecond,
		encoder: file.encoder,
		encodeMs: file.encodeMs
	};
}

/** The machine's state as the row keeps it; rows written before the pipeline had no phase. */
export function stateOf(record: UploadRecord | undefined): PipelineState {
	if (!record) return initialPipeline();
	const legacy = record as UploadRecord & { live?: boolean };
	const phase: TrackPhase = record.phase ?? (legacy.live ? 'live' : record.stage);
	return {
		phase,
		uploadUrl: record.uploadUrl,
		deferredLength: record.deferredLength,
		hasFile: Boolean(record.blob && record.sha256),
		error: record.error,
		restarted: record.restarted
	};
}

/** The row for one file, made if it isn't there yet. */
export async function openFile(db: CommonGroundDb, file: Omit<FileOf, 'id'>): Promise<string> {
	const id = uploadIdOf(file.trackId, file.kind);
	await db.transaction('rw', db.uploads, async () => {
		if (await db.uploads.get(id)) return;
		await db.uploads.put({
			id,
			...file,
			stage: 'waiting',
			phase: 'waiting',
			progress: 0,
			updatedAt: Date.now()
		});
	});
	return id;
}

/**
 * Feeds one event to the file's machine and writes the row, in one transaction (tabs share it);
 * `fields` (the encoded file, a progress) are written with it. Then the effects run. Resolves with
 * the new state; a row that isn't there stays so.
 */
export async function dispatch(
	db: CommonGroundDb,
	id: string,
	event: PipelineEvent,
	fields: Partial<UploadRecord> = {},
	fetcher: typeof fetch = fetch
): Promise<PipelineState> {
	const { state, effects } = await db.transaction('rw', db.uploads, async () => {
		const record = await db.uploads.get(id);
		if (!record) return { state: initialPipeline(), effects: [] };
		const before = stateOf({ ...record, ...fields });
		const result = advance(before, event);
		// Nothing happened (an event that doesn't apply here): the row stays as it is.
		if (result.state === before && Object.keys(fields).length === 0) return result;
		const next = result.state;
		const row: UploadRecord = {
			...record,
			...fields,
			phase: next.phase,
			stage: stageOf(next.phase),
			uploadUrl: next.uploadUrl,
			deferredLength: next.deferredLength,
			error: next.error,
			restarted: next.restarted,
			updatedAt: Date.now()
		};
		delete (row as { live?: boolean }).live;
		if (next.phase === 'confirmed') row.progress = 1;
		else if (next.phase === 'encoding' && record.phase !== 'encoding') row.progress = 0;
		for (const effect of result.effects) {
			if (effect.type === 'drop_file') row.blob = undefined;
			if (effect.type === 'forget_file') {
				row.blob = undefined;
				row.sha256 = undefined;
				row.bytes = undefined;
			}
		}
		await db.uploads.put(row);
		return result;
	});
	const conversationId = (await db.uploads.get(id))?.conversationId ?? '';
	for (const effect of effects) {
		if (effect.type === 'delete_upload')
			await fetcher(effect.url, {
				method: 'DELETE',
				headers: { 'Tus-Resumable': '1.0.0', [CONVERSATION_HEADER]: conversationId }
			}).catch(() => undefined);
	}
	return state;
}

/** Progress of the stage under way, for the page; not a transition. */
export async function reportProgress(db: CommonGroundDb, id: string, progress: number): Promise<void> {
	await db.uploads.update(id, { progress, updatedAt: Date.now() });
}

/** While a tab holds this lock, its live input for the track is still going. */
const liveLock = (trackId: string) => `common-ground-live-upload:${trackId}`;

/** For the live input: holds the track's lock until `release` is called. */
export function holdLive(trackId: string): Promise<() => void> {
	return new Promise((held) => {
		void navigator.locks.request(liveLock(trackId), () => new Promise<void>((release) => held(release)));
	});
}

/** Waits until no tab is sending this track during the call any more. */
async function liveEnded(trackId: string): Promise<void> {
	if (globalThis.navigator?.locks) await navigator.locks.request(liveLock(trackId), () => undefined);
}

/** Where tus-js-client sends its requests and reads the file (tests give their own; the browser's by default). */
export type TusIo = {
	httpStack?: HttpStack;
	fileReader?: FileReader;
	/** For POST …/finish and the declaration. */
	fetcher?: typeof fetch;
};

/** The one builder of the tus options, for the upload during the call (`live`) and after it. */
export function tusOptions(
	record: Pick<UploadRecord, 'conversationId' | 'trackId' | 'kind'> &
		Partial<Pick<UploadRecord, 'sha256' | 'durationMs' | 'startedAtServerMs' | 'samplesPerSecond'>>,
	how: { live: boolean; deferredLength: boolean; uploadUrl?: string; io?: TusIo },
	on: Pick<UploadOptions, 'onProgress' | 'onChunkComplete' | 'onSuccess' | 'onError' | 'onBeforeRequest'> & {
		onUrl: () => void;
	}
): UploadOptions {
	const { io = {} } = how;
	// What the file is, where it is known; during the call it isn't yet (the declaration says it),
	// except where the track starts, which the server mixes the copy from meanwhile (issue #16).
	const file: Record<string, string> = record.sha256
		? {
				sha256: record.sha256,
				durationMs: String(record.durationMs ?? 0),
				startedAtServerMs: String(record.startedAtServerMs ?? 0),
				samplesPerSecond: String(record.samplesPerSecond ?? 48000)
			}
		: how.live && record.startedAtServerMs !== undefined
			? { startedAtServerMs: String(record.startedAtServerMs) }
			: {};
	return {
		endpoint: '/uploads',
		uploadUrl: how.uploadUrl ?? null,
		uploadLengthDeferred: how.live || how.deferredLength,
		chunkSize: how.live ? LIVE_CHUNK_BYTES : CHUNK_BYTES,
		retryDelays: [0, 1000, 3000, 5000],
		storeFingerprintForResuming: false,
		headers: { [CONVERSATION_HEADER]: record.conversationId },
		...(io.httpStack ? { httpStack: io.httpStack } : {}),
		...(io.fileReader ? { fileReader: io.fileReader } : {}),
		metadata: { conversationId: record.conversationId, trackId: record.trackId, kind: record.kind, ...file },
		onUploadUrlAvailable: on.onUrl,
		...(on.onProgress ? { onProgress: on.onProgress } : {}),
		...(on.onChunkComplete ? { onChunkComplete: on.onChunkComplete } : {}),
		...(on.onBeforeRequest ? { onBeforeRequest: on.onBeforeRequest } : {}),
		...(on.onSuccess ? { onSuccess: on.onSuccess } : {}),
		...(on.onError ? { onError: on.onError } : {})
	};
}

export const statusOf = (error: Error): number | undefined =>
	'originalResponse' in error
		? ((error as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus() ??
			undefined)
		: undefined;

/**
 * Takes one file as far as it can go now (issue #16): waits for a live input still sending it,
 * encodes it (with `encode`, from the recording) if there is no file, declares an upload made
 * during the call, sends over tus (resuming from the URL kept in the row), and asks the server to
 * finish an upload that has every byte but no confirmation. Resolves with whether the server
 * confirmed the file by its checksum; otherwise the row says why, and the next round goes on.
 */
export async function sendFile(
	db: CommonGroundDb,
	id: string,
	options: { encode?: () => Promise<EncodedFile | undefined>; io?: TusIo } = {}
): Promise<'confirmed' | 'not_confirmed'> {
	const io = options.io ?? {};
	let state = await dispatch(db, id, { type: 'round_started' });
	// Each step moves the machine on or ends the round; this only bounds a server that answers nonsense.
	for (let steps = 0; steps < 12; steps += 1) {
		const step = nextStep(state);
		const record = await db.uploads.get(id);
		if (!record) return 'not_confirmed';
		switch (step.type) {
			case 'none':
				return state.phase === 'confirmed' ? 'confirmed' : 'not_confirmed';
			case 'await_live':
				await liveEnded(record.trackId);
				// Still "live" with no tab holding it: that tab died, or gave up, before the last page.
				state = await dispatch(db, id, { type: 'live_lost' }, {}, io.fetcher);
				break;
			case 'encode': {
				if (!options.encode) return 'not_confirmed';
				await dispatch(db, id, { type: 'encode_started' });
				try {
					const file = await options.encode();
					state = file
						? await dispatch(db, id, { type: 'encoded' }, { ...(await fileRecord(file)), progress: 0 })
						: await dispatch(db, id, { type: 'encode_failed', error: 'no_audio' });
				} catch (error) {
					console.error('Encoding the recording failed; it is tried again', error);
					state = await dispatch(db, id, { type: 'encode_failed', error: 'encoder' });
				}
				break;
			}
			case 'declare':
				state = await dispatch(db, id, {
					type: 'declared',
					result: await declare(step.url, record, io.fetcher)
				});
				break;
			case 'send':
				state = await dispatch(db, id, await sendOverTus(db, record, step, io));
				break;
			case 'finish':
				state = await dispatch(db, id, {
					type: 'finish_answer',
					result: await finish(step.url, record, io.fetcher)
				});
				break;
		}
	}
	return 'not_confirmed';
}

/**
 * One tus upload of the whole file: resolves when tus-js-client is done, with whether the server's
 * last answer (the last PATCH's, or the HEAD's when it already had every byte) carried the checksum.
 */
async function sendOverTus(
	db: CommonGroundDb,
	record: UploadRecord,
	step: { url: string | undefined; deferredLength: boolean },
	io: TusIo
): Promise<PipelineEvent> {
	const blob = record.blob;
	if (!blob) return { type: 'send_failed', status: 460 };
	const { Upload } = await import('tus-js-client');
	return new Promise<PipelineEvent>((resolve) => {
		const tus: InstanceType<typeof Upload> = new Upload(
			blob,
			tusOptions(
				record,
				{ live: false, deferredLength: step.deferredLength, uploadUrl: step.url, io },
				{
					onUrl: () => {
						if (tus.url) void dispatch(db, record.id, { type: 'url_created', url: tus.url });
					},
					onProgress: (sent, total) => {
						const of = total || record.bytes;
						void reportProgress(db, record.id, of ? sent / of : 0);
					},
					onSuccess: ({ lastResponse }) =>
						resolve({
							type: 'sent',
							confirmed: lastResponse.getHeader(CONFIRMED_CHECKSUM_HEADER) === record.sha256
						}),
					onError: (error) => resolve({ type: 'send_failed', status: statusOf(error) })
				}
			)
		);
		tus.start();
	});
}

/**
 * Asks the server to finish an upload that has every byte but no confirmation. 'again': it can't
 * (the upload is gone, incomplete, or its bytes fail the checks, and it was removed), so the file
 * goes again from the first byte; 'later': offline, signed out, or the server failed (it says so
 * and logs it), so the runner asks again.
 */
async function finish(
	uploadUrl: string,
	record: UploadRecord,
	fetcher?: typeof fetch
): Promise<'confirmed' | 'again' | 'later'> {
	const answer = await api(`${uploadUrl}/finish`, {
		method: 'POST',
		headers: { [CONVERSATION_HEADER]: record.conversationId },
		body: {},
		schema: UploadFinished,
		fetcher
	});
	if (answer.ok) return answer.data.sha256 === record.sha256 ? 'confirmed' : 'again';
	return [400, 404, 409, 410, 422].includes(answer.status) ? 'again' : 'later';
}

/**
 * Tells the server, before the last bytes of an upload made during the call, what the whole file
 * is: its checksum and length of audio, which its checks need and the start of the upload could
 * not yet say. 'gone': the server has no such upload any more.
 */
async function declare(
	uploadUrl: string,
	record: UploadRecord,
	fetcher?: typeof fetch
): Promise<'ok' | 'gone' | 'offline'> {
	const answer = await api(`${uploadUrl}/declaration`, {
		method: 'PUT',
		headers: { [CONVERSATION_HEADER]: record.conversationId },
		fetcher,
		schema: v.null(),
		body: {
			sha256: record.sha256,
			durationMs: String(record.durationMs ?? 0),
			startedAtServerMs: String(record.startedAtServerMs ?? 0),
			samplesPerSecond: String(record.samplesPerSecond ?? 48000)
		}
	});
	if (answer.ok || answer.status === 409) return 'ok';
	if (answer.status === 404) return 'gone';
	return 'offline';
}
