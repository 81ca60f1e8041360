import * as v from 'valibot';
import {
	CHUNK_SHA256_HEADER,
	KIOSK_CHUNKS_PATH,
	KIOSK_TOKEN_HEADER,
	ReceivedChunks,
	SealedRecordingReceipt
} from '../contracts/kiosk';
import type { KioskDb, RecordingQueueRecord } from './device-db';

export type SendOutcome = 'sent' | 'offline' | 'revoked' | 'refused';

/**
 * Sends one sealed recording (issue #7): the chunks the server lacks, then the sealed manifest. The
 * item and its chunks are deleted only when the server answers with the same checksum the kiosk
 * computed when sealing, i.e. it holds every byte and filed the track.
 */
export async function sendSealedRecording({
	kiosk,
	token,
	item
}: {
	kiosk: KioskDb;
	token: string;
	item: RecordingQueueRecord;
}): Promise<SendOutcome> {
	const auth = { [KIOSK_TOKEN_HEADER]: token };
	const base = `${KIOSK_CHUNKS_PATH}/${item.id}`;
	try {
		const have = await fetch(base, { headers: auth });
		if (have.status === 401) return 'revoked';
		if (!have.ok) return 'refused';
		const received = new Set(v.parse(ReceivedChunks, await have.json()).received);
		for (let seq = 0; seq < item.chunkCount; seq++) {
			if (received.has(seq)) continue;
			const chunk = await kiosk.chunks.get([item.id, seq]);
			if (!chunk) return 'refused';
			const put = await fetch(`${base}/${seq}`, {
				method: 'PUT',
				headers: { ...auth, 'content-type': 'application/octet-stream', [CHUNK_SHA256_HEADER]: chunk.sha256 },
				body: chunk.sealed
			});
			if (put.status === 401) return 'revoked';
			if (!put.ok) return 'refused';
		}
		const { id, wrappedKey, iv, ciphertext, chunkCount, sha256 } = item;
		const commit = await fetch('/api/kiosk/recordings', {
			method: 'POST',
			headers: { ...auth, 'content-type': 'application/json' },
			body: JSON.stringify({ manifest: { id, wrappedKey, iv, ciphertext }, chunkCount, sha256 })
		});
		if (commit.status === 401) return 'revoked';
		if (!commit.ok) return 'refused';
		const receipt = v.parse(SealedRecordingReceipt, await commit.json());
		if (receipt.id !== item.id || receipt.sha256 !== item.sha256) return 'refused';
	} catch {
		// The server is unreachable (offline, or restarting): everything stays for the next round.
		return 'offline';
	}
	await kiosk.transaction('rw', kiosk.queue, kiosk.chunks, async () => {
		await kiosk.chunks.where('[itemId+seq]').between([item.id, 0], [item.id, Infinity]).delete();
		await kiosk.queue.delete(item.id);
	});
	return 'sent';
}
