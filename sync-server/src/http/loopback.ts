import { isIPv4, isIPv6 } from 'node:net';
import type { AppContext } from './context.ts';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (`::ffff:127.0.0.1`, how Node reports IPv4 on a dual-stack socket). */
export function isLoopbackAddress(address: string): boolean {
	const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
	if (isIPv4(v4)) return v4.startsWith('127.');
	return isIPv6(address) && /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(address);
}

/** A listen address reachable only from this machine (`localhost`, 127.x, ::1). */
export function isLoopbackHost(host: string): boolean {
	return host === 'localhost' || isLoopbackAddress(host.replace(/^\[|\]$/g, ''));
}

/**
 * Whether a request comes from this machine itself (issue #13: the development mailbox lists every
 * sign-in link, so nobody else may read it). The socket's own peer address decides, never a header;
 * a request that a proxy forwarded is from elsewhere even when the proxy runs here. A request with
 * no socket at all is `app.request()` in a test: it came over no network.
 */
export function fromThisMachine(c: AppContext): boolean {
	const bindings = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
	const socket = bindings?.incoming?.socket;
	if (!socket) return true;
	if (c.req.header('x-forwarded-for') || c.req.header('forwarded') || c.req.header('x-real-ip')) return false;
	return isLoopbackAddress(socket.remoteAddress ?? '');
}
