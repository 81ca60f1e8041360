import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server, type ServerOptions } from '@tus/server';
import { ERRORS, Metadata, type Upload } from '@tus/utils';
import * as v from 'valibot';
import { UploadMetadata, type UploadDeclaration } from '../../../src/lib/contracts/consent.ts';
import type { AppDeps } from '../deps.ts';
import { verifyUpload } from './verify.ts';

export const UPLOADS_PATH = '/uploads';
export const UPLOADS_DIR = 'uploads';
/** Set by our own middleware from the session, never by the client (it is overwritten on every request). */
export const USER_HEADER = 'x-cg-user-id';
/** A 40-minute FLAC master is about 150 MB; leave room, refuse anything absurd. */
const MAX_UPLOAD_BYTES = 400 * 1024 * 1024;

type Fail = { status_code: number; body: string };
const fail = (status_code: number, message: string): Fail => ({
	status_code,
	body: JSON.stringify({ code: status_code === 460 ? 'checksum_mismatch' : 'not_audio', message })
});

/**
 * tus resumable uploads (issue #6) with a file store in DATA_DIR/uploads. The Hono middleware in
 * routes/uploads.ts authorizes every request first; here the finished file is checked before the
 * final PATCH is answered, so "204" to the client means "the server has every byte, verified".
 */
export function createTusServer(deps: AppDeps, onConfirmed: (conversationId: string) => void) {
	const { env, store, clock, log } = deps;
	const directory = join(env.dataDir, UPLOADS_DIR);
	const datastore = new CausedFileStore({ directory }, log);
	const options: ConstructorParameters<typeof Server>[0] = {
		path: UPLOADS_PATH,
		datastore,
		maxSize: MAX_UPLOAD_BYTES,
		relativeLocation: true,
		namingFunction: () => randomUUID(),
		// tus answers its own failures with a generic text; the cause (a full disk, a failed database
		// write) is logged here, once, and routes/uploads.ts turns the answer into the app's (issue #13).
		onResponseError(req, err) {
			const status = err instanceof Error ? 500 : err.status_code;
			if (status >= 500)
				log.error('tus request failed', { method: req.method, path: new URL(req.url).pathname, error: err });
			return undefined;
		},
		async onUploadCreate(req, upload) {
			return { metadata: { ...upload.metadata, userId: req.headers.get(USER_HEADER) } };
		},
		async onUploadFinish(_req, upload): ReturnType<NonNullable<ServerOptions['onUploadFinish']>> {
			const parsed = v.safeParse(UploadMetadata, withoutUser(upload));
			if (!parsed.success) {
				// Made during the call and never told what the whole file is (routes/uploads.ts, declaration).
				await datastore.remove(upload.id);
				throw fail(422, 'The app did not say which file this is. It will be made and sent again.');
			}
			const meta = parsed.output;
			const userId = upload.metadata?.userId;
			if (!userId) throw fail(500, 'This upload has no owner.');
			const path = join(directory, upload.id);
			const verified = await verifyUpload(path, meta);
			if (!verified.ok) {
				await datastore.remove(upload.id);
				log.warn('upload refused', { uploadId: upload.id, reason: verified.reason });
				throw verified.reason === 'checksum'
					? fail(460, 'The file arrived changed on the way. It will be sent again from the start.')
					: fail(
							422,
							`This is not the recording we expected (${verified.reason}). It will be made and sent again.`
						);
			}
			await store.transaction((repos) =>
				repos.trackFiles.save({
					id: `${meta.trackId}:${meta.kind}`,
					conversationId: meta.conversationId,
					userId,
					trackId: meta.trackId,
					kind: meta.kind,
					uploadId: upload.id,
					filePath: join(UPLOADS_DIR, upload.id),
					sha256: verified.sha256,
					bytes: verified.bytes,
					codec: verified.info.codec,
					durationMs: Math.round(verified.info.durationMs),
					startedAtServerMs: meta.startedAtServerMs,
					samplesPerSecond: meta.samplesPerSecond,
					confirmedAt: clock().toISOString()
				})
			);
			onConfirmed(meta.conversationId);
			return { headers: { 'Upload-Checksum-Sha256': verified.sha256 } };
		}
	};
	return new Server(options);
}

/**
 * FileStore, but a failed write keeps its cause: the library answers every write failure with the
 * same generic error and only debug-logs why (a full disk, a lost file). The cause is logged here,
 * then the generic error goes on as before (issue #13).
 */
class CausedFileStore extends FileStore {
	readonly #log: AppDeps['log'];
	readonly #directory: string;

	constructor(options: { directory: string }, log: AppDeps['log']) {
		super(options);
		this.#directory = options.directory;
		this.#log = log;
	}

	override async write(readable: Readable, id: string, offset: number): Promise<number> {
		let received = 0;
		const counted = new Transform({
			transform(chunk: Buffer, _encoding, done) {
				received += chunk.length;
				done(null, chunk);
			}
		});
		try {
			await pipeline(
				readable,
				counted,
				createWriteStream(join(this.#directory, id), { flags: 'r+', start: offset })
			);
		} catch (error) {
			this.#log.error('writing an upload failed', { uploadId: id, offset, error });
			throw ERRORS.FILE_WRITE_ERROR;
		}
		return offset + received;
	}
}

export type DeclareOutcome = 'declared' | 'not_found' | 'not_deferred' | 'finished';

/**
 * Adds the whole file's facts (checksum, duration, timing) to an upload made during the call
 * without them, before its last bytes. Stored in the upload's own record, so it survives a restart
 * and `onUploadFinish` reads it with the rest. Only while the length is still open.
 */
export async function declareUpload(
	tus: Server,
	id: string,
	declared: v.InferInput<typeof UploadDeclaration>
): Promise<DeclareOutcome> {
	const store = tus.datastore as FileStore;
	const upload = await store.getUpload(id).catch(() => undefined);
	if (!upload) return 'not_found';
	if (!upload.sizeIsDeferred) return upload.offset === upload.size ? 'finished' : 'not_deferred';
	const file = await store.configstore.get(id);
	if (!file) return 'not_found';
	file.metadata = { ...file.metadata, ...declared };
	await store.configstore.set(id, file);
	return 'declared';
}

function withoutUser(upload: Upload): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(upload.metadata ?? {}))
		if (key !== 'userId' && value !== null) out[key] = value;
	return out;
}

/** Parses the client's Upload-Metadata header (comma-separated "key base64value" pairs). */
export function parseUploadMetadata(header: string | null | undefined): Record<string, string | null> {
	try {
		return Metadata.parse(header ?? undefined);
	} catch {
		return {};
	}
}
