import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server, type ServerOptions } from '@tus/server';
import { ERRORS, Metadata } from '@tus/utils';
import * as v from 'valibot';
import type { UploadDeclaration } from '../../../src/lib/contracts/consent.ts';
import { CONFIRMED_CHECKSUM_HEADER } from '../../../src/lib/contracts/uploads.ts';
import type { AppDeps } from '../deps.ts';
import { confirmTrack, type Confirmation } from './confirm.ts';
import { UPLOADS_DIR, UPLOADS_PATH } from './paths.ts';

export { UPLOADS_DIR, UPLOADS_PATH } from './paths.ts';
/** Set by our own middleware from the session, never by the client (it is overwritten on every request). */
export const USER_HEADER = 'x-cg-user-id';
/** A 40-minute FLAC master is about 150 MB; leave room, refuse anything absurd. */
const MAX_UPLOAD_BYTES = 400 * 1024 * 1024;

type Fail = { status_code: number; body: string };
const fail = (status_code: number, message: string): Fail => ({
	status_code,
	body: JSON.stringify({ code: status_code === 460 ? 'checksum_mismatch' : 'not_audio', message })
});

/** A refusal as tus answers it on the last PATCH (tus-errors.ts then gives it the app's shape). */
function refusalAnswer(refused: Extract<Confirmation, { ok: false }>): Fail {
	switch (refused.refusal) {
		case 'undeclared':
			return fail(422, 'The app did not say which file this is. It will be made and sent again.');
		case 'checksum':
			return fail(460, 'The file arrived changed on the way. It will be sent again from the start.');
		case 'not_audio':
			return fail(422, `${refused.reason} It will be made and sent again.`);
		case 'gone':
			return fail(404, 'This upload is not on the server any more. The app will start it again.');
		case 'incomplete':
			return fail(409, 'Not every byte of this upload has arrived yet. The app asks and goes on.');
		case 'unowned':
			return fail(403, 'This upload has no owner.');
	}
}

/**
 * tus resumable uploads (issue #6) with a file store in DATA_DIR/uploads. The Hono middleware in
 * routes/uploads.ts authorizes every request first; here the finished file is confirmed
 * (confirm.ts) before the final PATCH is answered, so "204" with the checksum header to the client
 * means "the server has every byte, verified and filed as the track".
 */
export function createTusServer(deps: AppDeps) {
	const { env, log } = deps;
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
			// Also reached by a PATCH of no bytes on an upload already whole: it finishes it (issue #16).
			const confirmation = await confirmTrack(deps, upload.id);
			if (confirmation.ok) return { headers: { [CONFIRMED_CHECKSUM_HEADER]: confirmation.sha256 } };
			throw refusalAnswer(confirmation);
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

/** Parses the client's Upload-Metadata header (comma-separated "key base64value" pairs). */
export function parseUploadMetadata(header: string | null | undefined): Record<string, string | null> {
	try {
		return Metadata.parse(header ?? undefined);
	} catch {
		return {};
	}
}
