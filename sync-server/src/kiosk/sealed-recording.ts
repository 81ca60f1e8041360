import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import {
	SealedRecordingManifest,
	type SealedRecordingCommit,
	type SealedRecordingReceipt
} from '../../../src/lib/contracts/kiosk.ts';
import type { TrackKind } from '../../../src/lib/contracts/consent.ts';
import { latestAnswers } from '../../../src/lib/core/consent.ts';
import { isOwnTrackId } from '../../../src/lib/core/track-id.ts';
import { conversationAccess } from '../conversations/access.ts';
import type { AppDeps } from '../deps.ts';
import { AppError, MESSAGES } from '../http/errors.ts';
import { UPLOADS_DIR } from '../uploads/tus.ts';
import { verifyUpload } from '../uploads/verify.ts';
import { openPart, type Sealer } from './sealing.ts';
import { checkGrant } from './visitor-grant.ts';

/** Where a kiosk's sealed chunks wait for their manifest: DATA_DIR/kiosk-queue/<kiosk>/<item>/<seq>. */
export const KIOSK_QUEUE_DIR = 'kiosk-queue';
const itemDir = (dataDir: string, kioskId: string, itemId: string) =>
	join(dataDir, KIOSK_QUEUE_DIR, kioskId, itemId);
const receiptFile = (dataDir: string, kioskId: string, itemId: string) =>
	join(dataDir, KIOSK_QUEUE_DIR, kioskId, 'done', `${itemId}.json`);

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** Writes one chunk (fsynced, then renamed into place) once its bytes match the kiosk's checksum. */
export async function storeChunk(
	dataDir: string,
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
	const dir = itemDir(dataDir, kioskId, itemId);
	await mkdir(dir, { recursive: true });
	const temp = join(dir, `${seq}.part`);
	const handle = await open(temp, 'w');
	try {
		await handle.writeFile(bytes);
		await handle.sync();
	} finally {
		await handle.close();
	}
	await rename(temp, join(dir, `${seq}.bin`));
}

export async function receivedChunks(dataDir: string, kioskId: string, itemId: string): Promise<number[]> {
	const dir = itemDir(dataDir, kioskId, itemId);
	if (!existsSync(dir)) return [];
	return (await readdir(dir))
		.filter((name) => name.endsWith('.bin'))
		.map((name) => Number(name.slice(0, -4)))
		.sort((a, b) => a - b);
}

/**
 * Opens a sealed recording and files it as the visitor's own track (issue #7): checks every chunk
 * by checksum, the visitor's grant (issued on this kiosk) and that the visitor is a participant of
 * the conversation, then encodes what is still missing and confirms it like a tus upload. A replay
 * of a filed item returns the first receipt.
 */
export async function fileSealedRecording(
	deps: AppDeps,
	{ sealer, kioskId, commit }: { sealer: Sealer; kioskId: string; commit: SealedRecordingCommit }
): Promise<SealedRecordingReceipt> {
	const { env, clock } = deps;
	const itemId = commit.manifest.id;
	const done = receiptFile(env.dataDir, kioskId, itemId);
	if (existsSync(done)) return JSON.parse(await readFile(done, 'utf8')) as SealedRecordingReceipt;

	const dir = itemDir(env.dataDir, kioskId, itemId);
	const chunks: Uint8Array[] = [];
	for (let seq = 0; seq < commit.chunkCount; seq++) {
		const file = join(dir, `${seq}.bin`);
		if (!existsSync(file))
			throw new AppError(
				'sealed_incomplete',
				'Part of this queued recording is missing. The kiosk sends it again.'
			);
		chunks.push(new Uint8Array(await readFile(file)));
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
	const pcm = await openChunks(key, itemId, chunks, manifest.track.sampleCount * 2);
	const confirmed = await encodeAndConfirm(deps, { manifest, user, pcm, itemId });
	const receipt: SealedRecordingReceipt = { id: itemId, sha256: checksum, confirmed };
	await mkdir(join(env.dataDir, KIOSK_QUEUE_DIR, kioskId, 'done'), { recursive: true });
	await writeFile(done, JSON.stringify(receipt));
	await rm(dir, { recursive: true, force: true });
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

async function openChunks(key: CryptoKey, itemId: string, chunks: Uint8Array[], expectedBytes: number) {
	const pcm = new Uint8Array(expectedBytes);
	let at = 0;
	for (const [seq, sealed] of chunks.entries()) {
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
		if (at + part.byteLength > expectedBytes)
			throw new AppError('sealed_unreadable', 'The queued recording is longer than declared.');
		pcm.set(part, at);
		at += part.byteLength;
	}
	if (at !== expectedBytes)
		throw new AppError('sealed_unreadable', 'The queued recording is shorter than declared.');
	return pcm;
}

/** The same settings as the browser's encoder (src/lib/media/encoder.ts), so a track is a track. */
const CODEC_ARGS: Record<TrackKind, { args: string[]; file: string }> = {
	share: {
		args: ['-c:a', 'libopus', '-b:a', '24k', '-vbr', 'constrained', '-application', 'voip', '-ac', '1'],
		file: 'share.opus'
	},
	master: { args: ['-c:a', 'flac', '-compression_level', '5'], file: 'master.flac' }
};

async function encodeAndConfirm(
	deps: AppDeps,
	{
		manifest,
		user,
		pcm,
		itemId
	}: { manifest: SealedRecordingManifest; user: { id: string }; pcm: Uint8Array; itemId: string }
): Promise<SealedRecordingReceipt['confirmed']> {
	const { store, env, clock, media } = deps;
	const { track } = manifest;
	if (!isOwnTrackId(track.id, user.id)) throw new AppError('forbidden', MESSAGES.notYourTrack);
	const onServer = (await store.trackFiles.listForConversation(track.conversationId)).filter(
		(f) => f.userId === user.id && f.trackId === track.id
	);
	const consents = await store.consents.listForConversation(track.conversationId);
	// The master exists for the archive only (routes/uploads.ts): it is made only after a yes.
	const archiveYes = latestAnswers(consents, 'archive').get(user.id)?.answer === 'yes';
	const kinds = manifest.wanted.filter(
		(kind) => !onServer.some((f) => f.kind === kind) && (kind === 'share' || archiveYes)
	);
	const durationMs = Math.round((track.sampleCount / track.sampleRate) * 1000);
	const confirmed: SealedRecordingReceipt['confirmed'] = [];
	await mkdir(join(env.dataDir, UPLOADS_DIR), { recursive: true });
	for (const kind of kinds) {
		const { args, file } = CODEC_ARGS[kind];
		const { [file]: encoded } = await media.transcoder.run(
			['-f', 's16le', '-ar', String(track.sampleRate), '-ac', '1', '-i', 'in.raw', ...args, file],
			{ 'in.raw': pcm },
			[file]
		);
		if (!encoded) throw new Error(`encoding the ${kind} track of ${itemId} gave no file`);
		const uploadId = randomUUID();
		const path = join(env.dataDir, UPLOADS_DIR, uploadId);
		await writeFile(path, encoded);
		const verified = await verifyUpload(path, { sha256: sha256(encoded), kind, durationMs });
		if (!verified.ok) {
			await rm(path, { force: true });
			throw new Error(`the ${kind} track made from ${itemId} failed its checks: ${verified.reason}`);
		}
		await store.transaction((repos) =>
			repos.trackFiles.save({
				id: `${track.id}:${kind}`,
				conversationId: track.conversationId,
				userId: user.id,
				trackId: track.id,
				kind,
				uploadId,
				filePath: join(UPLOADS_DIR, uploadId),
				sha256: verified.sha256,
				bytes: verified.bytes,
				codec: verified.info.codec,
				durationMs: Math.round(verified.info.durationMs),
				startedAtServerMs: track.startedAtServerMs,
				samplesPerSecond: track.samplesPerSecond,
				confirmedAt: clock().toISOString()
			})
		);
		confirmed.push({ kind, sha256: verified.sha256 });
	}
	if (confirmed.length > 0) media.trackConfirmed(track.conversationId);
	return confirmed;
}
