import { sha256Hex } from './audio.ts';
import type { Person } from './conversation.ts';
import type { TestApp } from './harness.ts';

const TUS = { 'tus-resumable': '1.0.0' };

export type TusMeta = Record<string, string>;

export const encodeMeta = (meta: TusMeta) =>
	Object.entries(meta)
		.map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
		.join(',');

/** Speaks the tus protocol to the app directly: create, then PATCH in `chunks` pieces, asking HEAD for the offset before each. */
export async function tusUpload(
	t: TestApp,
	cookie: string,
	bytes: Uint8Array,
	meta: TusMeta,
	{ chunks = 2 } = {}
) {
	const created = await t.app.request('/uploads', {
		method: 'POST',
		headers: {
			...TUS,
			cookie,
			'upload-length': String(bytes.byteLength),
			'upload-metadata': encodeMeta(meta)
		}
	});
	if (created.status !== 201) return { created, last: created, location: undefined };
	const location = new URL(created.headers.get('location') ?? '', 'http://localhost').pathname;
	const size = Math.ceil(bytes.byteLength / chunks);
	let last: Response = created;
	for (;;) {
		const head = await t.app.request(location, { method: 'HEAD', headers: { ...TUS, cookie } });
		const offset = Number(head.headers.get('upload-offset'));
		if (offset >= bytes.byteLength) break;
		last = await t.app.request(location, {
			method: 'PATCH',
			headers: {
				...TUS,
				cookie,
				'upload-offset': String(offset),
				'content-type': 'application/offset+octet-stream'
			},
			body: bytes.slice(offset, offset + size)
		});
		if (last.status !== 204) break;
	}
	return { created, last, location };
}

/**
 * An upload made during the call (tus creation-defer-length): created without a length, sent in
 * pieces as they come, the length given with the last piece.
 */
export async function liveUpload(t: TestApp, cookie: string, meta: TusMeta) {
	const created = await t.app.request('/uploads', {
		method: 'POST',
		headers: { ...TUS, cookie, 'upload-defer-length': '1', 'upload-metadata': encodeMeta(meta) }
	});
	const location = new URL(created.headers.get('location') ?? '', 'http://localhost').pathname;
	let offset = 0;
	return {
		created,
		location,
		/** Sends `bytes` at the current offset; with `last`, declares the whole length with them. */
		async patch(bytes: Uint8Array, { last = false, as = cookie } = {}) {
			const res = await t.app.request(location, {
				method: 'PATCH',
				headers: {
					...TUS,
					cookie: as,
					'upload-offset': String(offset),
					'content-type': 'application/offset+octet-stream',
					...(last ? { 'upload-length': String(offset + bytes.byteLength) } : {})
				},
				body: bytes.slice()
			});
			if (res.status === 204) offset = Number(res.headers.get('upload-offset'));
			return res;
		}
	};
}

/** A share track's upload metadata, as the app sends it for `who`'s recording `rec1`. */
export function shareMeta(
	conversationId: string,
	who: Person,
	bytes: Uint8Array,
	over: Record<string, string> = {}
) {
	return {
		conversationId,
		trackId: `rec1_${who.userId}`,
		kind: 'share',
		sha256: sha256Hex(bytes),
		durationMs: '6000',
		startedAtServerMs: '1762095600000',
		samplesPerSecond: '48000',
		...over
	};
}
