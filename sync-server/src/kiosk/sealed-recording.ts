import { createHash } from 'node:crypto';
import * as v from 'valibot';
import {
	SealedRecordingManifest,
	SealedRecordingReceipt,
	type SealedFile,
	type SealedFileKind,
	type SealedRecordingCommit
} from '../../../src/lib/contracts/kiosk.ts';
import type { TrackKind } from '../../../src/lib/contracts/consent.ts';
import { latestAnswers } from '../../../src/lib/core/consent.ts';
import { ENCODER_SETTINGS, ffmpegEncodeArgs, PCM_INPUT } from '../../../src/lib/core/encoder-settings.ts';
import { isOwnTrackId } from '../../../src/lib/core/track-id.ts';
import { conversationAccess } from '../conversations/access.ts';
import type { AppDeps } from '../deps.ts';
import { AppError, MESSAGES } from '../http/errors.ts';
import type { BlobStore } from '../media/blob-store.ts';
import { confirmTrack } from '../uploads/confirm.ts';
import { openPart, type Sealer } from './sealing.ts';
import { checkGrant } from './visitor-grant.ts';

/**
 * Where a kiosk's sealed chunks wait for their manifest, in the blob store (issue #17), so every
 * instance finds the chunks any of them received: kiosk-queue/<kiosk>/<item>/<seq>.bin, and the
 * receipt of a filed item in kiosk-queue/<kiosk>/done/<item>.json. On disk these are the files under
 * DATA_DIR they always were.
 */
export const KIOSK_QUEUE_DIR = 'kiosk-queue';
const itemFolder = (kioskId: string, itemId: string) => `${KIOSK_QUEUE_DIR}/${kioskId}/${itemId}/`;
const chunkKey = (kioskId: string, itemId: string, seq: number) => `${itemFolder(kioskId, itemId)}${seq}.bin`;
const receiptKey = (kioskId: string, itemId: string) => `${KIOSK_QUEUE_DIR}/${kioskId}/done/${itemId}.json`;

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** Files one chunk, durably and whole, once its bytes match the kiosk's checksum. */
export async function storeChunk(
	blobs: BlobStore,
	{
		kioskId,
		itemId,
		seq,
		bytes,
		checksum
	}: { kioskId: string; itemId: string; seq: number; bytes: Uint8Array; checksum: string }
): Promise<void> {
	if (sha256(bytes) !== checksum)
		throw new AppError(
			'checksum_mismatch',
			'This part of a queued recording arrived changed. The kiosk sends it again.'
		);
	await blobs.put(chunkKey(kioskId, itemId, seq), { bytes });
}

export async function receivedChunks(blobs: BlobStore, kioskId: string, itemId: string): Promise<number[]> {
	const folder = itemFolder(kioskId, itemId);
	return (await blobs.list(folder))
		.map((key) => /^(\d+)\.bin$/.exec(key.slice(folder.length))?.[1])
		.filter((seq) => seq !== undefined)
		.map(Number)
		.sort((a, b) => a - b);
}

/**
 * Opens a sealed recording and files it as the visitor's own track (issue #7): checks every chunk
 * by checksum, the visitor's grant (issued on this kiosk) and that the visitor is a participant of
 * the conversation, then confirms each file still missing through the same confirmTrack() as a tus
 * upload (issue #16): the kiosk's own encoded files as they are, or, from raw PCM (the kiosk could
 * not encode, or sealed it before issue #16), the files the server encodes. A replay of a filed
 * item returns the first receipt.
 */
export async function fileSealedRecording(
	deps: AppDeps,
	{ sealer, kioskId, commit }: { sealer: Sealer; kioskId: string; commit: SealedRecordingCommit }
): Promise<SealedRecordingReceipt> {
	const { clock } = deps;
	const { blobs } = deps.media;
	const itemId = commit.manifest.id;
	const done = await blobs.bytes(receiptKey(kioskId, itemId));
	if (done) return v.parse(SealedRecordingReceipt, JSON.parse(new TextDecoder().decode(done)));

	const chunks: Uint8Array[] = [];
	for (let seq = 0; seq < commit.chunkCount; seq++) {
		const chunk = await blobs.bytes(chunkKey(kioskId, itemId, seq));
		if (!chunk)
			throw new AppError(
				'sealed_incomplete',
				'Part of this queued recording is missing. The kiosk sends it again.'
			);
		chunks.push(chunk);
	}
	const checksum = sha256(chunks.map((c) => sha256(c)).join(''));
	if (checksum !== commit.sha256)
		throw new AppError(
			'checksum_mismatch',
			'The queued recording does not match its checksum. The kiosk sends it again.'
		);

	const key = await sealer.unwrap(commit.manifest.wrappedKey).catch(() => undefined);
	const plain = key && (await sealer.open(commit.manifest).catch(() => undefined));
	if (!key || !plain)
		throw new AppError(
			'sealed_unreadable',
			'This queued recording was not sealed for this server, or it was changed.'
		);
	const manifest = v.parse(SealedRecordingManifest, JSON.parse(plain));
	if (manifest.chunkCount !== commit.chunkCount)
		throw new AppError('sealed_unreadable', 'The queued recording does not match its own description.');

	const user = await authorizeVisitor(deps, { sealer, kioskId, manifest });
	const files = await openFiles(key, itemId, chunks, filesOf(manifest));
	const confirmed = await confirmFiles(deps, { manifest, user, files, itemId });
	const receipt: SealedRecordingReceipt = { id: itemId, sha256: checksum, confirmed };
	await blobs.put(receiptKey(kioskId, itemId), { bytes: new TextEncoder().encode(JSON.stringify(receipt)) });
	await blobs.deleteUnder(itemFolder(kioskId, itemId));
	deps.log.info('kiosk recording filed', {
		kioskId,
		itemId,
		kinds: confirmed.map((c) => c.kind),
		at: clock()
	});
	return receipt;
}

async function authorizeVisitor(
	deps: AppDeps,
	{ sealer, kioskId, manifest }: { sealer: Sealer; kioskId: string; manifest: SealedRecordingManifest }
) {
	const { visitor, track } = manifest;
	const granted =
		visitor.grant && checkGrant(sealer.grantSecret, visitor.grant, { kioskId, now: deps.clock() });
	if (!granted || granted !== visitor.userId)
		throw new AppError(
			'forbidden',
			'This queued recording does not carry a valid sign-in of its speaker on this kiosk, so it cannot be filed.'
		);
	const user = await deps.store.users.findById(visitor.userId);
	const conversation = await deps.store.conversations.findById(track.conversationId);
	if (
		!user ||
		!conversation ||
		conversationAccess(conversation, { userId: user.id, role: user.role }) !== 'participant'
	)
		throw new AppError(
			'forbidden',
			'The person who made this recording is not a participant of its conversation.'
		);
	return user;
}

/** The files a manifest describes; an item sealed before issue #16 is raw PCM in every chunk. */
type DescribedFile = Omit<SealedFile, 'sha256'> & { sha256?: string };
function filesOf(manifest: SealedRecordingManifest): DescribedFile[] {
	const files: DescribedFile[] = manifest.files ?? [
		{ kind: 'pcm' as const, chunkCount: manifest.chunkCount, bytes: manifest.track.sampleCount * 2 }
	];
	const chunkCount = files.reduce((sum, f) => sum + f.chunkCount, 0);
	const pcmOfWrongLength = files.some((f) => f.kind === 'pcm' && f.bytes !== manifest.track.sampleCount * 2);
	const kinds = files.map((f) => f.kind);
	if (chunkCount !== manifest.chunkCount || pcmOfWrongLength || new Set(kinds).size !== kinds.length)
		throw new AppError('sealed_unreadable', 'The queued recording does not match its own description.');
	return files;
}

/** Opens the chunks and joins them into the files they were cut from, each checked by length and checksum. */
async function openFiles(
	key: CryptoKey,
	itemId: string,
	chunks: Uint8Array[],
	files: DescribedFile[]
): Promise<Map<SealedFileKind, { bytes: Uint8Array; sha256: string }>> {
	const opened = new Map<SealedFileKind, { bytes: Uint8Array; sha256: string }>();
	let seq = 0;
	for (const file of files) {
		const bytes = new Uint8Array(file.bytes);
		let at = 0;
		for (const end = seq + file.chunkCount; seq < end; seq++) {
			const sealed = chunks[seq] ?? new Uint8Array();
			const part = await openPart(key, {
				iv: sealed.subarray(0, 12),
				ciphertext: sealed.subarray(12),
				label: `${itemId}:chunk:${seq}`
			}).catch(() => {
				throw new AppError(
					'sealed_unreadable',
					'Part of this queued recording was changed. It cannot be filed.'
				);
			});
			if (at + part.byteLength > file.bytes)
				throw new AppError('sealed_unreadable', 'The queued recording is longer than declared.');
			bytes.set(part, at);
			at += part.byteLength;
		}
		if (at !== file.bytes)
			throw new AppError('sealed_unreadable', 'The queued recording is shorter than declared.');
		// The kiosk's checksum of its own file; confirmTrack checks the bytes against it again.
		opened.set(file.kind, { bytes, sha256: file.sha256 ?? sha256(bytes) });
	}
	return opened;
}

/** Where a kiosk item's file of `kind` is kept: one name per item and kind, so a replay finds its row. */
export const kioskUploadId = (itemId: string, kind: TrackKind) => `kiosk-${itemId}-${kind}`;

async function confirmFiles(
	deps: AppDeps,
	{
		manifest,
		user,
		files,
		itemId
	}: {
		manifest: SealedRecordingManifest;
		user: { id: string };
		files: Map<SealedFileKind, { bytes: Uint8Array; sha256: string }>;
		itemId: string;
	}
): Promise<SealedRecordingReceipt['confirmed']> {
	const { store } = deps;
	const { track } = manifest;
	if (!isOwnTrackId(track.id, user.id)) throw new AppError('forbidden', MESSAGES.notYourTrack);
	const onServer = (await store.trackFiles.listForConversation(track.conversationId)).filter(
		(f) => f.userId === user.id && f.trackId === track.id
	);
	const consents = await store.consents.listForConversation(track.conversationId);
	// The master exists for the archive only (routes/uploads.ts): it is filed only after a yes.
	const archiveYes = latestAnswers(consents, 'archive').get(user.id)?.answer === 'yes';
	const kinds = manifest.wanted.filter(
		(kind) =>
			// Already filed from elsewhere (tus) stays; a row of this very item is confirmed again (a replay).
			!onServer.some((f) => f.kind === kind && f.uploadId !== kioskUploadId(itemId, kind)) &&
			(kind === 'share' || archiveYes)
	);
	const durationMs = Math.round((track.sampleCount / track.sampleRate) * 1000);
	const confirmed: SealedRecordingReceipt['confirmed'] = [];
	const pcm = files.get('pcm')?.bytes;
	for (const kind of kinds) {
		const file = files.get(kind) ?? (pcm && (await encodeOnServer(deps, { kind, pcm, track, itemId })));
		// Not sealed (the kiosk knew the archive was not agreed to when it sealed): nothing to file.
		if (!file) continue;
		const result = await confirmTrack(deps, {
			uploadId: kioskUploadId(itemId, kind),
			userId: user.id,
			bytes: file.bytes,
			metadata: {
				conversationId: track.conversationId,
				trackId: track.id,
				kind,
				sha256: file.sha256,
				durationMs,
				startedAtServerMs: track.startedAtServerMs,
				samplesPerSecond: track.samplesPerSecond
			}
		});
		if (!result.ok) {
			deps.log.warn('kiosk recording refused', { itemId, kind, reason: result.reason });
			throw new AppError(
				'sealed_unreadable',
				`The ${kind} file of this queued recording failed the server's checks: ${result.reason}`
			);
		}
		// confirmTrack told the mix, once per file it saved.
		confirmed.push({ kind, sha256: result.sha256 });
	}
	return confirmed;
}

/** A raw recording encoded here, with the same settings as the browser's encoder (core/encoder-settings). */
async function encodeOnServer(
	deps: AppDeps,
	{
		kind,
		pcm,
		track,
		itemId
	}: { kind: TrackKind; pcm: Uint8Array; track: SealedRecordingManifest['track']; itemId: string }
): Promise<{ bytes: Uint8Array; sha256: string }> {
	const { file } = ENCODER_SETTINGS[kind];
	const { [file]: encoded } = await deps.media.transcoder.run(
		ffmpegEncodeArgs(kind, track.sampleRate),
		{ [PCM_INPUT]: pcm },
		[file]
	);
	if (!encoded) throw new Error(`encoding the ${kind} track of ${itemId} gave no file`);
	return { bytes: encoded, sha256: sha256(encoded) };
}
