import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE } from '../../../src/lib/contracts/questions.ts';
import type { Logger } from '../log.ts';
import { Connection } from './connection.ts';
import type { YjsLimits } from './limits.ts';
import type { DocRegistry } from './registry.ts';

/** What an authorizer decides about one upgrade request. */
export type DocAccess = { ok: true; readOnly: boolean } | { ok: false; code: number; reason: string };

export type Authorize = (input: { docName: string; request: IncomingMessage }) => Promise<DocAccess>;

/**
 * The transport half of /yjs/:doc (kept apart from the document core, as Hocuspocus does): takes
 * upgrades, authorizes them, and hands accepted sockets to a Connection. Refusals are made after
 * the handshake with a 44xx close code, because browsers hide the HTTP status of a failed upgrade
 * and the client must know not to retry.
 */
export function createYjsSocketServer({
	registry,
	authorize,
	limits,
	log,
	prefix = '/yjs/'
}: {
	registry: DocRegistry;
	authorize: Authorize;
	limits: YjsLimits;
	log: Logger;
	prefix?: string;
}) {
	// maxPayload is a backstop above our own check, which closes with a code the client understands.
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: limits.maxMessageBytes + 64 * 1024,
		perMessageDeflate: false
	});
	const connections = new Set<Connection>();
	const byRoom = new Map<string, Set<Connection>>();

	const heartbeat = setInterval(() => {
		for (const c of connections) c.ping();
	}, limits.pingMs);
	heartbeat.unref();

	const refuse = (request: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string) =>
		wss.handleUpgrade(request, socket, head, (ws) => ws.close(code, reason));

	async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
		const path = new URL(request.url ?? '/', 'http://localhost').pathname;
		const docName = decodeURIComponent(path.slice(prefix.length));
		let access: DocAccess;
		try {
			access = await authorize({ docName, request });
		} catch (error) {
			log.error('yjs authorization failed', { error });
			return refuse(request, socket, head, CLOSE.internal, 'try again');
		}
		if (!access.ok) return refuse(request, socket, head, access.code, access.reason);

		const room = await registry.acquire(docName).catch((error: unknown) => {
			log.error('yjs document could not be loaded', { doc: docName, error });
			return undefined;
		});
		if (!room) return refuse(request, socket, head, CLOSE.internal, 'try again');
		wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
			const peers = byRoom.get(docName) ?? new Set<Connection>();
			byRoom.set(docName, peers);
			const connection = new Connection(ws, room, {
				readOnly: access.readOnly,
				limits,
				log,
				onClose: () => {
					connections.delete(connection);
					peers.delete(connection);
					if (peers.size === 0) byRoom.delete(docName);
					registry.scheduleUnload(docName);
				}
			});
			connections.add(connection);
			peers.add(connection);
		});
		// The socket is the room's now (or was closed during the handshake): the hold can end.
		registry.release(docName);
		if (room.peers.size === 0) registry.scheduleUnload(docName);
	}

	return {
		handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
			handleUpgrade(request, socket, head).catch((error: unknown) => {
				log.error('yjs upgrade failed', { error });
				socket.destroy();
			});
		},
		/** Closes the sockets of one document (after a storage failure) so their clients reconnect. */
		closeRoom(docName: string, code: number, reason: string) {
			for (const c of byRoom.get(docName) ?? []) c.close(code, reason);
		},
		/** The most bytes queued for any one socket right now. */
		get maxBufferedBytes() {
			return Math.max(0, ...[...connections].map((c) => c.bufferedBytes));
		},
		get connectionCount() {
			return connections.size;
		},
		/** Tells every client to reconnect (1012 "service restart"), then stores and unloads every document. */
		async close() {
			clearInterval(heartbeat);
			for (const c of [...connections]) c.close(CLOSE.restarting, 'server restarting');
			await registry.close();
			wss.close();
		}
	};
}
