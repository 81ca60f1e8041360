import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FileStore } from '@tus/file-store';
import type { Upload } from '@tus/utils';
import * as v from 'valibot';
import { UploadMetadata, type TrackKind } from '../../../src/lib/contracts/consent.ts';
import type { AppDeps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import type { Store } from '../store/types.ts';
import { UPLOADS_DIR } from './paths.ts';
import { verifyUpload } from './verify.ts';

export type ConfirmDeps = Pick<AppDeps, 'env' | 'store' | 'clock' | 'log' | 'media'>;

/**
 * Why an upload can't be confirmed as it is. `undeclared`, `checksum` and `not_audio` remove it: its
 * device sends the file afresh, from the first byte.
 */
export type Refusal = 'gone' | 'incomplete' | 'unowned' | 'undeclared' | 'checksum' | 'not_audio';

export type Confirmation =
	| {
			ok: true;
			trackId: string;
			kind: TrackKind;
			sha256: string;
			/** False when it was confirmed before (by another finisher, or before a restart). */
			confirmedNow: boolean;
	  }
	| { ok: false; refusal: Refusal; reason: string };

/** The answer when finishing failed on our side (a database write, the disk): logged, then this. */
export const FINISH_FAILED =
	'The server has every byte of this recording but could not file it just now. Nothing is lost: the app asks again shortly.';

/** Per store (one per running app, and one again after a restart): the finishers in flight, by upload id. */
const running = new WeakMap<Store, { files: FileStore; inFlight: Map<string, Promise<Confirmation>> }>();

function stateOf(deps: ConfirmDeps) {
	let state = running.get(deps.store);
	if (!state) {
		state = {
			files: new FileStore({ directory: join(deps.env.dataDir, UPLOADS_DIR) }),
			inFlight: new Map()
		};
		running.set(deps.store, state);
	}
	return state;
}

/**
 * A whole file that did not come over tus: a kiosk's sealed recording, opened on the server
 * (kiosk/sealed-recording.ts). `uploadId` names the file in UPLOADS_DIR; the same id for the same
 * file, so a replay finds the row it wrote before.
 */
export type TrackBytes = { uploadId: string; userId: string; metadata: UploadMetadata; bytes: Uint8Array };

/**
 * The one way an uploaded file becomes the track's confirmed file (issue #16), for a tus upload (by
 * its id) and a kiosk's sealed recording (its bytes and metadata) alike: a tus upload must be
 * whole; the bytes must hash to what the device computed and be audio of the declared kind and
 * length (verify.ts, which also fsyncs); then one row in conversation_tracks, and the mix is told.
 *
 * Called by the last PATCH (tus's onUploadFinish), by a HEAD or PATCH on an upload that is whole but
 * was never confirmed (the server died, or the database write failed, during the last PATCH), by
 * the device's POST /uploads/:id/finish, and at boot for every such upload. Idempotent: finishers of
 * one upload in this process share one run, and the row is written only if it is not there yet, in
 * the same transaction that looks, so two finishers confirm once and the mix is told once.
 *
 * A refusal is an answer about the file. A failure on our side (the database, the disk) is logged
 * here with its cause and thrown as the app's `internal` error; the upload stays, to be finished
 * again once the cause is gone.
 */
export function confirmTrack(deps: ConfirmDeps, input: string | TrackBytes): Promise<Confirmation> {
	const { files, inFlight } = stateOf(deps);
	const uploadId = typeof input === 'string' ? input : input.uploadId;
	let run = inFlight.get(uploadId);
	if (!run) {
		run = (
			typeof input === 'string' ? confirmTusUpload(deps, files, input) : confirmBytes(deps, input)
		).finally(() => inFlight.delete(uploadId));
		inFlight.set(uploadId, run);
	}
	return run;
}

/** A tus upload: whole, owned and declared, then the common checks and save. */
async function confirmTusUpload(
	deps: ConfirmDeps,
	files: FileStore,
	uploadId: string
): Promise<Confirmation> {
	const { log } = deps;
	const upload = await files.getUpload(uploadId).catch(() => undefined);
	if (!upload) return refused('gone', 'This upload is not on the server any more.');
	if (upload.sizeIsDeferred || upload.offset !== upload.size)
		return refused('incomplete', 'Not every byte of this upload has arrived yet.');
	const userId = upload.metadata?.userId;
	if (!userId) {
		log.warn('upload refused', { uploadId, reason: 'no owner' });
		return refused('unowned', 'This upload has no owner.');
	}
	const parsed = v.safeParse(UploadMetadata, withoutUser(upload));
	if (!parsed.success) {
		// Made during the call and never told what the whole file is (routes/uploads.ts, declaration).
		await files.remove(uploadId).catch(() => undefined);
		return refused('undeclared', 'The app did not say which file this is.');
	}
	return checkAndSave(deps, {
		uploadId,
		userId,
		meta: parsed.output,
		discard: () => files.remove(uploadId).catch(() => undefined)
	});
}

/** Bytes already in hand (a kiosk's sealed recording): written into UPLOADS_DIR, then the common checks and save. */
function confirmBytes(
	deps: ConfirmDeps,
	{ uploadId, userId, metadata, bytes }: TrackBytes
): Promise<Confirmation> {
	const path = join(deps.env.dataDir, UPLOADS_DIR, uploadId);
	return checkAndSave(deps, {
		uploadId,
		userId,
		meta: metadata,
		write: async () => {
			await mkdir(dirname(path), { recursive: true });
			const temp = `${path}.part`;
			const handle = await open(temp, 'w');
			try {
				await handle.writeFile(bytes);
			} finally {
				await handle.close();
			}
			// verify.ts fsyncs it before the row is written.
			await rename(temp, path);
		},
		discard: () => rm(path, { force: true }).catch(() => undefined)
	});
}

/**
 * The checks and the save both inputs share: a row already written for this upload is the answer
 * (confirmed before); otherwise the file must verify, and its row is written once, in the
 * transaction that looks.
 */
async function checkAndSave(
	deps: ConfirmDeps,
	{
		uploadId,
		userId,
		meta,
		write,
		discard
	}: {
		uploadId: string;
		userId: string;
		meta: UploadMetadata;
		/** Puts the file in place first, where it is not there already (bytes in hand). */
		write?: () => Promise<void>;
		/** Removes a file that failed its checks: its device sends it afresh. */
		discard: () => Promise<unknown>;
	}
): Promise<Confirmation> {
	const { store, clock, log, media, env } = deps;
	const rowId = `${meta.trackId}:${meta.kind}`;
	const confirmed = (rows: { id: string; uploadId: string; sha256: string }[]) =>
		rows.find((row) => row.id === rowId && row.uploadId === uploadId);
	const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
		try {
			return await work();
		} catch (error) {
			log.error('finishing an upload failed', { uploadId, step: name, error });
			throw new AppError('internal', FINISH_FAILED);
		}
	};
	const before = confirmed(
		await step('look up', () => store.trackFiles.listForConversation(meta.conversationId))
	);
	if (before)
		return { ok: true, trackId: meta.trackId, kind: meta.kind, sha256: before.sha256, confirmedNow: false };

	if (write) await step('write', write);
	const filePath = join(UPLOADS_DIR, uploadId);
	const path = join(env.dataDir, filePath);
	const verified = await step('verify', () => verifyUpload(path, meta));
	if (!verified.ok) {
		await discard();
		log.warn('upload refused', { uploadId, reason: verified.reason });
		return verified.reason === 'checksum'
			? refused('checksum', 'The file arrived changed on the way.')
			: refused('not_audio', `This is not the recording we expected (${verified.reason}).`);
	}
	// Where every instance reads it (issue #17): in place on disk, or into the bucket, before its row.
	await step('store', () => media.blobs.put(filePath, { path }));
	const saved = await step('save', () =>
		store.transaction(async (repos) => {
			if (confirmed(await repos.trackFiles.listForConversation(meta.conversationId))) return false;
			await repos.trackFiles.save({
				id: rowId,
				conversationId: meta.conversationId,
				userId,
				trackId: meta.trackId,
				kind: meta.kind,
				uploadId,
				filePath,
				sha256: verified.sha256,
				bytes: verified.bytes,
				codec: verified.info.codec,
				durationMs: Math.round(verified.info.durationMs),
				startedAtServerMs: meta.startedAtServerMs,
				samplesPerSecond: meta.samplesPerSecond,
				confirmedAt: clock().toISOString()
			});
			return true;
		})
	);
	if (saved) await media.trackConfirmed(meta.conversationId);
	return { ok: true, trackId: meta.trackId, kind: meta.kind, sha256: verified.sha256, confirmedNow: saved };
}

function refused(refusal: Refusal, reason: string): Confirmation {
	return { ok: false, refusal, reason };
}

/**
 * At boot: every upload whose bytes are all here but whose track has no confirmed file (the server
 * stopped, or its database write failed, during the last PATCH) is finished now, one at a time,
 * without waiting for its device to come back. Uploads still open, and tracks already confirmed
 * (by this upload or a later one), are left as they are.
 */
export async function finishStrandedUploads(
	deps: ConfirmDeps
): Promise<{ confirmed: string[]; refused: string[]; failed: string[] }> {
	const directory = join(deps.env.dataDir, UPLOADS_DIR);
	const names = await readdir(directory).catch(() => [] as string[]);
	const outcome = { confirmed: [] as string[], refused: [] as string[], failed: [] as string[] };
	for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
		const id = name.slice(0, -'.json'.length);
		const record = await readFile(join(directory, name), 'utf8')
			.then((text) => JSON.parse(text) as { size?: number | null; metadata?: Record<string, string | null> })
			.catch(() => undefined);
		if (typeof record?.size !== 'number') continue;
		const bytes = await stat(join(directory, id))
			.then((s) => s.size)
			.catch(() => -1);
		if (bytes !== record.size) continue;
		const { conversationId, trackId, kind } = record.metadata ?? {};
		if (conversationId && trackId && kind) {
			const rows = await deps.store.trackFiles.listForConversation(conversationId);
			if (rows.some((row) => row.trackId === trackId && row.kind === kind)) continue;
		}
		try {
			const result = await confirmTrack(deps, id);
			(result.ok ? outcome.confirmed : outcome.refused).push(id);
		} catch {
			// Logged by confirmTrack; the next boot, HEAD, PATCH or finish tries again.
			outcome.failed.push(id);
		}
	}
	return outcome;
}

export function withoutUser(upload: Upload): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(upload.metadata ?? {}))
		if (key !== 'userId' && value !== null) out[key] = value;
	return out;
}
