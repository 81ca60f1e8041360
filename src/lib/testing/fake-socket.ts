import { vi } from 'vitest';

/**
 * A WebSocket that never reaches a server: it stays connecting until a test opens it, hands it a
 * message as the sync server would, or refuses it with a close code (CLOSE in contracts/questions).
 * It replaces the browser's WebSocket (`vi.stubGlobal`); the returned list holds every one opened.
 */
export function fakeSockets() {
	const sockets: FakeSocket[] = [];
	class FakeSocket {
		binaryType = 'blob';
		readyState = 0;
		onopen: ((event: unknown) => void) | null = null;
		onmessage: ((event: { data: unknown }) => void) | null = null;
		onclose: ((event: { code: number }) => void) | null = null;
		onerror: ((event: unknown) => void) | null = null;
		readonly url: string;
		constructor(url: string) {
			this.url = url;
			sockets.push(this);
		}
		readonly sent: Uint8Array[] = [];
		send(data: Uint8Array) {
			this.sent.push(data);
		}
		/** The server accepts the connection. */
		open() {
			this.readyState = 1;
			this.onopen?.({});
		}
		/** The server sends `data`. */
		receive(data: Uint8Array) {
			this.onmessage?.({ data: data.slice().buffer });
		}
		close() {
			this.readyState = 3;
		}
		/** The server closes the connection with `code`. */
		refuse(code: number) {
			this.readyState = 3;
			this.onclose?.({ code });
		}
	}
	vi.stubGlobal('WebSocket', FakeSocket);
	return sockets;
}
