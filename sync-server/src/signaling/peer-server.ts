import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { inRoom } from '../../../src/lib/core/room-peer-id.ts';
import type { Clock } from '../clock.ts';
import type { Env } from '../env.ts';
import type { UpgradeHandler } from '../http/upgrade.ts';
import type { Logger } from '../log.ts';
import type { RedisConnections } from '../redis/client.ts';
import type { Store } from '../store/types.ts';
import { authorizeSignaling } from './authorize.ts';
import { createSignalingRelay } from './relay.ts';

/** Where the browser's PeerJS client connects (its `path`); its socket URL is `${PEERJS_PATH}/peerjs`. */
export const PEERJS_PATH = '/peerjs';
/** PeerJS's key is not a secret (the cloud server's default); access is checked per session instead. */
export const PEERJS_KEY = 'peerjs';

const STATUS_TEXT = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' } as const;

/**
 * The `peer` package's signaling server (issue #5: self-hosted, never the PeerJS cloud), mounted under
 * /peerjs on our one port. Its WebSocket server runs in noServer mode so that our upgrade router owns
 * the 'upgrade' event, and every socket is authorized before `peer` sees it. With Redis, messages
 * for peers connected to other instances are relayed there (relay.ts, issue #17).
 */
export function createSignaling({
	httpServer,
	store,
	env,
	clock,
	log,
	redis
}: {
	httpServer: Server;
	store: Store;
	env: Env;
	clock: Clock;
	log: Logger;
	redis?: RedisConnections;
}): { handle: UpgradeHandler; ready: Promise<void>; close(): Promise<void> } {
	const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
	const peerServer = ExpressPeerServer(httpServer, {
		path: '/',
		key: PEERJS_KEY,
		allow_discovery: false,
		createWebSocketServer: () => wss
	});
	// `peer` builds its realm when mounted; mounting is all this Express app is for.
	express().use(PEERJS_PATH, peerServer);
	peerServer.on('error', (error) => log.warn('signaling error', { error }));
	const relay = redis && createSignalingRelay({ redis, log });
	if (relay) {
		peerServer.on('connection', (client) => relay.arrived(client));
		peerServer.on('disconnect', (client) => relay.left(client));
	}

	const handle: UpgradeHandler = (request, socket, head) => {
		socket.on('error', () => socket.destroy());
		authorizeSignaling(request, { store, env, clock }).then(
			(verdict) => {
				if (!verdict.ok) return refuse(socket, verdict.status);
				wss.handleUpgrade(request, socket, head, (ws) => {
					// Wrapped inside out: the room check runs first, then the relay, then `peer`.
					relay?.intercept(ws, verdict.peerId);
					confineToRoom(ws, verdict.conversationId, log);
					wss.emit('connection', ws, request);
				});
			},
			(error: unknown) => {
				log.error('signaling authorization failed', { error });
				socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
			}
		);
	};
	return {
		handle,
		ready: relay?.ready ?? Promise.resolve(),
		async close() {
			// This instance's peers leave the registry before their sockets close.
			await relay?.close();
			for (const client of wss.clients) client.terminate();
			wss.close();
		}
	};
}

function refuse(socket: Duplex, status: keyof typeof STATUS_TEXT) {
	socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * A member may signal only to peers of their own room. `peer` relays any message to any peer id, so
 * messages addressed elsewhere are dropped before it reads them (it listens on the same socket, after us).
 */
function confineToRoom(ws: WebSocket, conversationId: string, log: Logger) {
	const emit = ws.emit.bind(ws);
	ws.emit = ((event: string | symbol, ...args: unknown[]) => {
		if (event === 'message' && !addressedInRoom(args[0] as RawData, conversationId)) {
			log.warn('signaling message outside its room dropped', { conversationId });
			return false;
		}
		return emit(event, ...args);
	}) as typeof ws.emit;
}

function addressedInRoom(data: RawData, conversationId: string): boolean {
	try {
		const message = JSON.parse(data.toString()) as { dst?: unknown };
		return (
			message.dst === undefined || (typeof message.dst === 'string' && inRoom(message.dst, conversationId))
		);
	} catch {
		return false;
	}
}
