import { createHmac } from 'node:crypto';
import type { IceServer } from '../../../src/lib/contracts/call.ts';

const TURN_CREDENTIAL_TTL_S = 12 * 60 * 60;

/**
 * The ICE servers a room member gets. TURN entries configured without a username get time-limited
 * credentials in coturn's "TURN REST API" scheme (`use-auth-secret`): username `expiry:userId`,
 * password base64(HMAC-SHA1(secret, username)). No long-lived TURN password ever reaches a browser.
 */
export function iceServersFor({
	iceServers,
	turnSecret,
	userId,
	now
}: {
	iceServers: IceServer[];
	turnSecret: string | undefined;
	userId: string;
	now: Date;
}): IceServer[] {
	return iceServers.map((server) => {
		const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
		const isTurn = urls.some((u) => /^turns?:/i.test(u));
		if (!isTurn || server.username || !turnSecret) return server;
		const expiry = Math.floor(now.getTime() / 1000) + TURN_CREDENTIAL_TTL_S;
		const username = `${expiry}:${userId}`;
		const credential = createHmac('sha1', turnSecret).update(username).digest('base64');
		return { ...server, username, credential };
	});
}
