import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * One 'upgrade' listener for the whole server, routing WebSocket upgrades by path prefix to the
 * feature that owns them (/yjs/ for the question list, /peerjs for call signaling). Libraries that
 * attach their own listener with a `path` answer 400 to every other path, so nobody attaches directly.
 */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export function createUpgradeRouter() {
	const routes: { prefix: string; handler: UpgradeHandler }[] = [];
	return {
		route(prefix: string, handler: UpgradeHandler) {
			routes.push({ prefix, handler });
		},
		handle(request: IncomingMessage, socket: Duplex, head: Buffer) {
			const path = new URL(request.url ?? '/', 'http://localhost').pathname;
			const match = routes.find((r) => path === r.prefix || path.startsWith(r.prefix));
			if (match) return match.handler(request, socket, head);
			socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
		}
	};
}
