import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';

/** A bare y-websocket client for tests that drive the raw socket: applies sync messages, answers step 1. */
export function applyMessage(doc: Y.Doc, data: Buffer, reply: (message: Uint8Array) => void) {
	const decoder = decoding.createDecoder(new Uint8Array(data));
	if (decoding.readVarUint(decoder) !== 0) return;
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	syncProtocol.readSyncMessage(decoder, encoder, doc, 'server');
	if (encoding.length(encoder) > 1) reply(encoding.toUint8Array(encoder));
}
