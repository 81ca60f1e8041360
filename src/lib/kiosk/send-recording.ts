import {
	CHUNK_SHA256_HEADER,
	KIOSK_CHUNKS_PATH,
	KIOSK_TOKEN_HEADER,
	ReceivedChunks,
	SealedRecordingReceipt
} from '../contracts/kiosk';
import { advance, nextStep, type PipelineEvent, type PipelineState } from '../core/track-pipeline';
import { api } from '../sync/api';
import type { KioskDb, RecordingQueueRecord } from './device-db';

export type SendOutcome = 'sent' | 'offline' | 'revoked' | 'refused';

/**
 * A sealed recording is one more input to the track pipeline (issue #16, core/track-pipeline): it is
 * encoded before it is sealed, so it enters the machine as a whole file on the device, ready to go.
 */
export const sealedPipeline = (): PipelineState => ({ phase: 'uploading', hasFile: true });

/**
 * One round for one sealed recording (issue #7): the machine says whether to send; sending is the
 * chunks the server lacks, then the sealed manifest; the answer goes back into the machine. The
 * item and its chunks are deleted only on the machine's `drop_file`, i.e. when the server answered
 * with the checksum the kiosk computed when sealing: it holds every byte and filed the track.
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
	const started = advance(item.pipeline ?? sealedPipeline(), { type: 'round_started' }).state;
	if (nextStep(started).type !== 'send') return 'refused';
	const event = await transmit(kiosk, token, item);
	const { state, effects } = advance(started, event);
	if (effects.some((e) => e.type === 'drop_file')) {
		await kiosk.transaction('rw', kiosk.queue, kiosk.chunks, async () => {
			await kiosk.chunks.where('[itemId+seq]').between([item.id, 0], [item.id, Infinity]).delete();
			await kiosk.queue.delete(item.id);
		});
		return 'sent';
	}
	// `forget_file` (the server refused the file itself) can't mean "make it again" here: the
	// visitor's raw recording was wiped at sealing. The sealed item stays, counted, for staff.
	const outcome = outcomeOf(event);
	const kept: RecordingQueueRecord = {
		...item,
		pipeline: state,
		attempts: item.attempts + (outcome === 'refused' ? 1 : 0)
	};
	await kiosk.queue.put(kept);
	return outcome;
}

function outcomeOf(event: PipelineEvent): Exclude<SendOutcome, 'sent'> {
	if (event.type !== 'send_failed') return 'refused';
	if (event.status === undefined) return 'offline';
	return event.status === 401 ? 'revoked' : 'refused';
}

/** The kiosk's own protocol (the chunks, then the manifest), told as the machine's events. */
async function transmit(kiosk: KioskDb, token: string, item: RecordingQueueRecord): Promise<PipelineEvent> {
	const headers = { [KIOSK_TOKEN_HEADER]: token };
	const base = `${KIOSK_CHUNKS_PATH}/${item.id}`;
	const failed = (status: number): PipelineEvent => ({ type: 'send_failed', status: status || undefined });

	const have = await api(base, { headers, schema: ReceivedChunks });
	if (!have.ok) return failed(have.status);
	const received = new Set(have.data.received);
	for (let seq = 0; seq < item.chunkCount; seq++) {
		if (received.has(seq)) continue;
		const chunk = await kiosk.chunks.get([item.id, seq]);
		// A chunk missing from the device can't be sent: the server's answer decides what it holds.
		if (!chunk) return { type: 'sent', confirmed: false };
		let put: Response;
		try {
			put = await fetch(`${base}/${seq}`, {
				method: 'PUT',
				headers: {
					...headers,
					'content-type': 'application/octet-stream',
					[CHUNK_SHA256_HEADER]: chunk.sha256
				},
				body: chunk.sealed
			});
		} catch {
			// The server is unreachable (offline, or restarting): everything stays for the next round.
			return failed(0);
		}
		if (!put.ok) return failed(put.status);
	}
	const { id, wrappedKey, iv, ciphertext, chunkCount, sha256 } = item;
	const commit = await api('/api/kiosk/recordings', {
		method: 'POST',
		headers,
		body: { manifest: { id, wrappedKey, iv, ciphertext }, chunkCount, sha256 },
		schema: SealedRecordingReceipt
	});
	if (!commit.ok) return failed(commit.status);
	return { type: 'sent', confirmed: commit.data.id === item.id && commit.data.sha256 === item.sha256 };
}
