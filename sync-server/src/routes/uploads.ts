import type { Server } from '@tus/server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import {
	CLOCK_FIT_HEADER,
	ClockFitHeader,
	LiveUploadMetadata,
	UploadDeclaration,
	UploadMetadata
} from '../../../src/lib/contracts/consent.ts';
import { CONFIRMED_CHECKSUM_HEADER, type UploadFinished } from '../../../src/lib/contracts/uploads.ts';
import { latestAnswers } from '../../../src/lib/core/consent.ts';
import { isOwnTrackId } from '../../../src/lib/core/track-id.ts';
import { conversationAccess } from '../conversations/access.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { csrfGuard } from '../http/csrf.ts';
import { AppError, MESSAGES } from '../http/errors.ts';
import { requireRole, signedInUser } from '../http/session.ts';
import type { SessionUser } from '../store/types.ts';
import { declareUpload, parseUploadMetadata, UPLOADS_PATH, USER_HEADER } from '../uploads/tus.ts';
import { confirmTrack, type Confirmation } from '../uploads/confirm.ts';
import { asAppError } from '../uploads/tus-errors.ts';
import { openUploadsOf } from '../uploads/sweep.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';

const NOT_YOURS =
	'Only the person who recorded this track can send it. Sign in with your own account on this device.';

/** A declaration is a few short fields; outside /api, so it needs its own limit (issue #13). */
const declarationLimit = bodyLimit({
	maxSize: 4 * 1024,
	onError: () => {
		throw new AppError(
			'body_too_large',
			'This declaration is larger than any the app sends. Reload the app.'
		);
	}
});

/**
 * /uploads: tus, behind our own checks. Every request needs a session; a new upload must be for a
 * conversation the person took part in; every later request must come from the upload's owner.
 * GET is refused: audio is never served from here (DESIGN.md, "Privacy rules").
 */
export function uploadRoutes(deps: AppDeps, tus: Server) {
	return new Hono<AppEnv>()
		.put('/:id/declaration', declarationLimit, requireRole(), async (c) => {
			// An upload made during the call: before its last bytes, what the whole file is.
			const id = c.req.param('id');
			if (!UPLOAD_ID.test(id)) throw new AppError('not_found', MESSAGES.notFound);
			await authorizeOwner(tus, signedInUser(c), id);
			const declared = parseOrThrow(UploadDeclaration, await readJson(c));
			const outcome = await declareUpload(tus, id, {
				sha256: declared.sha256,
				durationMs: String(declared.durationMs),
				startedAtServerMs: String(declared.startedAtServerMs),
				samplesPerSecond: String(declared.samplesPerSecond)
			});
			if (outcome === 'not_found')
				throw new AppError(
					'not_found',
					'This upload is not on the server any more. The app will start it again.'
				);
			if (outcome !== 'declared') {
				throw new AppError(
					'wrong_state',
					outcome === 'finished'
						? 'This upload is already complete. Nothing more is needed.'
						: 'This upload said what it is when it started. The app sends the rest as it is.'
				);
			}
			return c.body(null, 204);
		})
		.post('/:id/finish', csrfGuard({ publicUrl: deps.env.publicUrl }), requireRole(), async (c) => {
			// The device saw every byte arrive but no confirmation (issue #16): finish it now, or say why not.
			const id = c.req.param('id');
			if (!UPLOAD_ID.test(id)) throw new AppError('not_found', MESSAGES.notFound);
			await authorizeOwner(tus, signedInUser(c), id);
			const confirmation = await confirmTrack(deps, id);
			if (!confirmation.ok) throw refusalError(confirmation);
			c.header(CONFIRMED_CHECKSUM_HEADER, confirmation.sha256);
			const body: UploadFinished = {
				trackId: confirmation.trackId,
				kind: confirmation.kind,
				sha256: confirmation.sha256
			};
			return c.json(body, 200);
		})
		.all('*', requireRole(), async (c) => {
			const user = signedInUser(c);
			const method = c.req.method;
			if (method === 'GET') throw new AppError('forbidden', MESSAGES.forbidden);
			// One id, parsed once, decides both the owner check and what tus acts on (issue #13): tus
			// reads its id from the whole URL, so anything but the plain address is refused.
			const target = uploadTarget(c.req.raw.url);
			if (method === 'POST' || method === 'OPTIONS') {
				if (target.id !== undefined) throw new AppError('not_found', MESSAGES.notFound);
			} else if (target.id === undefined) throw new AppError('not_found', MESSAGES.notFound);
			let confirmed: string | undefined;
			if (method === 'POST') {
				const deferred = c.req.header('upload-defer-length') === '1';
				await authorizeNewUpload(deps, user, c.req.header('upload-metadata'), deferred);
			} else if (method !== 'OPTIONS') {
				const upload = await authorizeOwner(tus, user, target.id!);
				const whole = !upload.sizeIsDeferred && upload.offset === upload.size;
				// A complete upload is the recording's copy on the server: nobody ends it through tus.
				if (method === 'DELETE' && whole)
					throw new AppError('wrong_state', 'This upload is complete and kept. It can’t be deleted.');
				// Every byte is here: the answer says whether it is confirmed, finishing it first if it
				// never was (issue #16). A file that fails its checks is removed, so tus answers 404 and
				// the device starts afresh; a failure on our side is logged, and the HEAD answers without
				// the checksum, so the device asks POST …/finish, which answers it as the app's error.
				if (method === 'HEAD' && whole) {
					const confirmation = await confirmTrack(deps, target.id!).catch(() => undefined);
					if (confirmation?.ok) confirmed = confirmation.sha256;
				}
			}
			const headers = new Headers(c.req.raw.headers);
			headers.set(USER_HEADER, user.userId);
			// tus honours a method override; the method checked above is the one it must act on.
			headers.delete('x-http-method-override');
			const request = new Request(target.url, {
				method,
				headers,
				body: method === 'PATCH' ? c.req.raw.body : undefined,
				// @ts-expect-error Node's fetch needs `duplex` to stream a request body; the DOM types lack it.
				duplex: 'half'
			});
			const answer = await asAppError(c, await tus.handleWeb(request), deps.log);
			if (confirmed && answer.ok) answer.headers.set(CONFIRMED_CHECKSUM_HEADER, confirmed);
			// New bytes on disk: a share track going up during the call feeds the copy's mix (issue #16).
			if (method === 'PATCH' && answer.ok)
				deps.media.uploadGrew(target.id!, clockFitOf(c.req.header(CLOCK_FIT_HEADER), deps));
			return answer;
		});
}

async function authorizeNewUpload(
	deps: AppDeps,
	user: SessionUser,
	header: string | undefined,
	deferred: boolean
) {
	const given = withoutNulls(parseUploadMetadata(header));
	// Without a length (made during the call), the facts of the whole file may come later.
	const parsed = v.safeParse(
		deferred ? v.union([UploadMetadata, LiveUploadMetadata]) : UploadMetadata,
		given
	);
	if (!parsed.success) {
		throw new AppError(
			'validation_failed',
			'The upload did not say which recording it is. Reload the app and it will try again.'
		);
	}
	const meta = parsed.output;
	if (!isOwnTrackId(meta.trackId, user.userId)) throw new AppError('forbidden', MESSAGES.notYourTrack);
	if ((await openUploadsOf(deps.env.dataDir, user.userId)) >= MAX_OPEN_UPLOADS) {
		throw new AppError(
			'rate_limited',
			`You have ${MAX_OPEN_UPLOADS} uploads that are not finished yet. Keep the app open so they can finish; new ones start after that.`,
			{ retryAfterSeconds: 60 }
		);
	}
	const conversation = await deps.store.conversations.findById(meta.conversationId);
	if (!conversation) throw new AppError('not_found', MESSAGES.notFound);
	if (conversationAccess(conversation, user) !== 'participant') throw new AppError('forbidden', NOT_YOURS);
	if (meta.kind === 'master') {
		// The lossless master exists for the archive only: it travels only after this person said yes.
		const consents = await deps.store.consents.listForConversation(conversation.id);
		if (latestAnswers(consents, 'archive').get(user.userId)?.answer !== 'yes') {
			throw new AppError('consent_missing', 'The archive copy is sent only after you agree to the archive.');
		}
	}
}

/**
 * Uploads one person may have begun and not finished (issue #13: 25 of 400 MiB were all taken). A
 * conversation needs two (the share track during the call, the master after); a few more cover
 * re-recordings and a tab that died mid-upload until its partial upload is dropped.
 */
export const MAX_OPEN_UPLOADS = 10;

/** Upload ids are the server's own UUIDs (tus namingFunction). */
const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The request's upload, from its URL: `/uploads` (no id) or `/uploads/<id>`, exactly, with no query
 * string, and the URL tus is given, rebuilt from that id alone. Any other form (a query, an encoded
 * or doubled slash, a trailing slash) is no upload of ours: 404.
 */
function uploadTarget(raw: string): { id?: string; url: string } {
	const url = new URL(raw);
	if (url.search !== '' || raw.includes('?')) throw new AppError('not_found', MESSAGES.notFound);
	if (url.pathname === UPLOADS_PATH) return { url: `${url.origin}${UPLOADS_PATH}` };
	const id = url.pathname.startsWith(`${UPLOADS_PATH}/`) ? url.pathname.slice(UPLOADS_PATH.length + 1) : '';
	if (!UPLOAD_ID.test(id)) throw new AppError('not_found', MESSAGES.notFound);
	return { id, url: `${url.origin}${UPLOADS_PATH}/${id}` };
}

async function authorizeOwner(tus: Server, user: SessionUser, uploadId: string) {
	const upload = await tus.datastore.getUpload(uploadId).catch(() => undefined);
	if (!upload)
		throw new AppError(
			'not_found',
			'This upload is not on the server any more. The app will start it again.'
		);
	if (upload.metadata?.userId !== user.userId) throw new AppError('forbidden', NOT_YOURS);
	return upload;
}

/** POST …/finish when the file can't be confirmed: the device uploads it again from the first byte. */
function refusalError(refused: Extract<Confirmation, { ok: false }>): AppError {
	switch (refused.refusal) {
		case 'gone':
			return new AppError(
				'not_found',
				'This upload is not on the server any more. The app will start it again.'
			);
		case 'incomplete':
			return new AppError(
				'wrong_state',
				'Not every byte of this upload has arrived. The app sends it again.'
			);
		case 'checksum':
			return new AppError(
				'checksum_mismatch',
				'The file on the server is not the one the app sent. It will be sent again from the start.'
			);
		case 'undeclared':
		case 'not_audio':
			return new AppError('validation_failed', `${refused.reason} It will be sent again from the start.`);
		case 'unowned':
			return new AppError('forbidden', NOT_YOURS);
	}
}

function withoutNulls(record: Record<string, string | null>): Record<string, string> {
	return Object.fromEntries(Object.entries(record).filter((e): e is [string, string] => e[1] !== null));
}

/**
 * The track's clock fit a live upload's PATCH carries (issue #16). Only the copy mixed during the
 * call reads it, and the declaration at the end decides: a malformed one is logged and left out.
 */
function clockFitOf(header: string | undefined, deps: AppDeps) {
	if (header === undefined) return undefined;
	const parsed = v.safeParse(ClockFitHeader, header);
	if (!parsed.success)
		deps.log.warn('a PATCH carried a malformed clock fit', { header: header.slice(0, 80) });
	return parsed.success ? parsed.output : undefined;
}
