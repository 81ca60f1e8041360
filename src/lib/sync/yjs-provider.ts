import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { CLOSE, PERMANENT_CLOSE_CODES } from '../contracts/questions';
import { retryDelay } from '../core/backoff';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;
/** Bundle the acknowledgement request of a burst of keystrokes into one. */
const ACK_REQUEST_DELAY_MS = 40;

export type ProviderStatus = 'connecting' | 'connected' | 'disconnected' | 'refused';

export interface ProviderState {
	status: ProviderStatus;
	/** The server has stored every change made on this device. */
	synced: boolean;
	/** The server's state has arrived at least once since the page opened. */
	loadedFromServer: boolean;
	/** Why the server refused us (a CLOSE code), once status is 'refused'. */
	closeCode?: number;
}

/** The parts of a WebSocket we use: the browser's, or `ws` in Node tests. */
export interface SocketLike {
	binaryType: string;
	readyState: number;
	send(data: Uint8Array): void;
	close(code?: number, reason?: string): void;
	onopen: ((event: unknown) => void) | null;
	onmessage: ((event: { data: unknown }) => void) | null;
	onclose: ((event: { code: number }) => void) | null;
	onerror: ((event: unknown) => void) | null;
}

/**
 * A y-websocket client on y-protocols (the stock WebsocketProvider works against our server too,
 * see the compatibility test; this one adds what issue #4 asks of ours):
 * - "synced" means stored by the server: after sending changes it sends a sync-step-1, and the
 *   server answers with step 2 only once those changes are on disk (sync-server/src/yjs/room.ts).
 * - reconnects with full-jitter exponential backoff, so a server restart is no reconnect storm;
 * - never retries after a permanent 44xx refusal (PERMANENT_CLOSE_CODES).
 */
export class QuestionDocProvider {
	state: ProviderState = { status: 'disconnected', synced: true, loadedFromServer: false };
	#socket: SocketLike | undefined;
	#attempt = 0;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#ackTimer: ReturnType<typeof setTimeout> | undefined;
	/** Local changes made so far, those sent on this connection, and those the server stored. */
	#localSeq = 0;
	#coveredSeq = -1;
	#ackedSeq = 0;
	/** Each sync-step-1 we sent, with how many local changes it covers, answered in order. */
	#pendingAcks: number[] = [];
	#wanted = false;

	constructor(
		private readonly options: {
			url: string;
			doc: Y.Doc;
			awareness?: awarenessProtocol.Awareness;
			createSocket?: (url: string) => SocketLike;
			random?: () => number;
			onChange?: (state: ProviderState) => void;
		}
	) {
		options.doc.on('update', this.#onDocUpdate);
		options.awareness?.on('update', this.#onAwarenessUpdate);
	}

	get doc() {
		return this.options.doc;
	}

	/** Whether a reconnect is scheduled (never after a permanent refusal). */
	get retrying(): boolean {
		return this.#retryTimer !== undefined;
	}

	connect() {
		this.#wanted = true;
		if (this.#socket || this.state.status === 'refused') return;
		clearTimeout(this.#retryTimer);
		this.#retryTimer = undefined;
		this.#emit({ status: 'connecting' });
		const socket = (this.options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike))(
			this.options.url
		);
		socket.binaryType = 'arraybuffer';
		this.#socket = socket;
		socket.onopen = () => this.#onOpen();
		socket.onmessage = (event) => this.#onMessage(event.data);
		socket.onclose = (event) => this.#onClose(socket, event.code);
		socket.onerror = () => {};
	}

	/** Closes the socket and stops reconnecting (until `connect`). Local edits keep working. */
	disconnect() {
		this.#wanted = false;
		clearTimeout(this.#retryTimer);
		this.#retryTimer = undefined;
		this.#socket?.close(1000, 'bye');
		this.#dropSocket();
		if (this.state.status !== 'refused') this.#emit({ status: 'disconnected' });
	}

	destroy() {
		this.disconnect();
		this.options.doc.off('update', this.#onDocUpdate);
		this.options.awareness?.off('update', this.#onAwarenessUpdate);
	}

	#emit(patch: Partial<ProviderState>) {
		this.state = { ...this.state, ...patch, synced: this.#ackedSeq >= this.#localSeq };
		this.options.onChange?.(this.state);
	}

	#send(message: Uint8Array) {
		if (this.#socket?.readyState === 1) this.#socket.send(message);
	}

	#onOpen() {
		this.#attempt = 0;
		this.#emit({ status: 'connected' });
		this.#sendStep1();
		const { awareness } = this.options;
		if (awareness?.getLocalState()) {
			this.#send(awarenessMessage(awareness, [awareness.clientID]));
		}
	}

	#sendStep1() {
		clearTimeout(this.#ackTimer);
		this.#pendingAcks.push(this.#coveredSeq);
		this.#send(
			encoding.encode((e) => {
				encoding.writeVarUint(e, MESSAGE_SYNC);
				syncProtocol.writeSyncStep1(e, this.options.doc);
			})
		);
	}

	#requestAck() {
		clearTimeout(this.#ackTimer);
		this.#ackTimer = setTimeout(() => this.#sendStep1(), ACK_REQUEST_DELAY_MS);
	}

	#onMessage(data: unknown) {
		const decoder = decoding.createDecoder(new Uint8Array(data as ArrayBuffer));
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_SYNC) {
			const reply = encoding.createEncoder();
			encoding.writeVarUint(reply, MESSAGE_SYNC);
			const step = syncProtocol.readSyncMessage(decoder, reply, this.options.doc, this);
			if (step === syncProtocol.messageYjsSyncStep1) {
				// Our answer holds everything the server lacks, offline edits included.
				this.#send(encoding.toUint8Array(reply));
				this.#coveredSeq = this.#localSeq;
				this.#requestAck();
			} else if (step === syncProtocol.messageYjsSyncStep2) {
				const covered = this.#pendingAcks.shift() ?? -1;
				if (covered > this.#ackedSeq) this.#ackedSeq = covered;
				this.#emit({ loadedFromServer: true });
			}
		} else if (type === MESSAGE_AWARENESS && this.options.awareness) {
			awarenessProtocol.applyAwarenessUpdate(
				this.options.awareness,
				decoding.readVarUint8Array(decoder),
				this
			);
		} else if (type === MESSAGE_QUERY_AWARENESS && this.options.awareness) {
			const { awareness } = this.options;
			this.#send(awarenessMessage(awareness, [...awareness.getStates().keys()]));
		}
	}

	#onDocUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === this) return;
		this.#localSeq += 1;
		if (this.#socket?.readyState === 1) {
			this.#send(
				encoding.encode((e) => {
					encoding.writeVarUint(e, MESSAGE_SYNC);
					syncProtocol.writeUpdate(e, update);
				})
			);
			if (this.#coveredSeq === this.#localSeq - 1) this.#coveredSeq = this.#localSeq;
			this.#requestAck();
		}
		this.#emit({});
	};

	#onAwarenessUpdate = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	) => {
		if (origin === this || !this.options.awareness) return;
		this.#send(awarenessMessage(this.options.awareness, [...added, ...updated, ...removed]));
	};

	#dropSocket() {
		const socket = this.#socket;
		if (socket) socket.onopen = socket.onmessage = socket.onclose = null;
		this.#socket = undefined;
		this.#pendingAcks = [];
		this.#coveredSeq = -1;
		clearTimeout(this.#ackTimer);
		const { awareness } = this.options;
		if (awareness) {
			const others = [...awareness.getStates().keys()].filter((id) => id !== awareness.clientID);
			awarenessProtocol.removeAwarenessStates(awareness, others, this);
		}
	}

	#onClose(socket: SocketLike, code: number) {
		if (socket !== this.#socket) return;
		this.#dropSocket();
		if (PERMANENT_CLOSE_CODES.includes(code)) {
			this.#emit({ status: 'refused', closeCode: code });
			return;
		}
		this.#emit({ status: 'disconnected' });
		if (!this.#wanted) return;
		const random = this.options.random ?? Math.random;
		// Rate-limited: wait at least a few seconds. Otherwise full jitter from half a second up.
		const floor = code === CLOSE.rateLimited ? 5_000 : 0;
		const delay =
			floor + retryDelay({ attempt: this.#attempt, random: random(), baseMs: 500, maxMs: 30_000 });
		this.#attempt += 1;
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = undefined;
			this.connect();
		}, delay);
	}
}

function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]) {
	return encoding.encode((e) => {
		encoding.writeVarUint(e, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
	});
}
