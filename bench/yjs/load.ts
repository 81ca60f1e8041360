import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

/**
 * Two clients per room speaking the y-websocket protocol (or Hocuspocus' variant, which prefixes
 * every message with the document name and wants an auth message first). Each edit is a short
 * insert into the client's own text, as typing a question is; its propagation latency is the time
 * until the partner receives it.
 */
export type Framing = 'y-websocket' | 'hocuspocus';

export interface BenchClient {
	doc: Y.Doc;
	partner?: BenchClient;
	/** Send times of edits not yet seen by the partner, oldest first. */
	inFlight: number[];
	edit(): void;
	onPartnerEdit?: (latencyMs: number) => void;
	close(): void;
}

export async function connectClient({
	url,
	docName,
	cookie,
	framing
}: {
	url: string;
	docName: string;
	cookie: string;
	framing: Framing;
}): Promise<BenchClient> {
	const doc = new Y.Doc();
	const ws = new WebSocket(url, { headers: cookie ? { cookie } : {}, perMessageDeflate: false });
	ws.binaryType = 'nodebuffer';
	const frame = (write: (e: encoding.Encoder) => void) =>
		encoding.encode((e) => {
			if (framing === 'hocuspocus') encoding.writeVarString(e, docName);
			write(e);
		});
	let edits = 0;
	const client: BenchClient = {
		doc,
		inFlight: [],
		edit() {
			edits += 1;
			client.inFlight.push(performance.now());
			doc.getText('typed').insert(0, edits % 2 ? 'ab' : 'c');
		},
		close: () => ws.close()
	};
	doc.on('update', (update: Uint8Array, origin: unknown) => {
		if (origin === 'remote') return;
		ws.send(
			frame((e) => {
				encoding.writeVarUint(e, 0);
				syncProtocol.writeUpdate(e, update);
			})
		);
	});
	const synced = new Promise<void>((resolve, reject) => {
		ws.on('error', reject);
		ws.on('message', (data: Buffer) => {
			const decoder = decoding.createDecoder(data);
			if (framing === 'hocuspocus') decoding.readVarString(decoder);
			if (decoding.readVarUint(decoder) !== 0) return;
			const step = decoding.readVarUint(decoder);
			const payload = decoding.readVarUint8Array(decoder);
			if (step === syncProtocol.messageYjsSyncStep1) {
				ws.send(
					frame((e) => {
						encoding.writeVarUint(e, framing === 'hocuspocus' ? 4 : 0);
						syncProtocol.writeSyncStep2(e, doc, payload);
					})
				);
			} else if (step === syncProtocol.messageYjsSyncStep2) {
				resolve();
			} else if (step === syncProtocol.messageYjsUpdate) {
				// Only the partner's edits count (one reference also echoes our own back to us).
				const partner = client.partner;
				if (!partner || !Y.parseUpdateMeta(payload).to.has(partner.doc.clientID)) return;
				const sent = partner.inFlight.shift();
				if (sent !== undefined) client.onPartnerEdit?.(performance.now() - sent);
			}
		});
	});
	await new Promise<void>((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
	if (framing === 'hocuspocus') {
		ws.send(
			frame((e) => {
				encoding.writeVarUint(e, 2);
				encoding.writeVarUint(e, 0);
				encoding.writeVarString(e, '');
			})
		);
	}
	ws.send(
		frame((e) => {
			encoding.writeVarUint(e, 0);
			syncProtocol.writeSyncStep1(e, doc);
		})
	);
	await synced;
	return client;
}
