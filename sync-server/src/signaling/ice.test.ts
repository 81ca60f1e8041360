import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { iceServersFor } from './ice.ts';

const now = new Date('2026-11-02T15:00:00Z');

describe('iceServersFor', () => {
	it('gives TURN entries short-lived coturn credentials and leaves STUN and fixed logins alone', () => {
		const servers = iceServersFor({
			iceServers: [
				{ urls: 'stun:turn.example.org:3478' },
				{ urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'] },
				{ urls: 'turn:other.example.org', username: 'fixed', credential: 'pw' }
			],
			turnSecret: 's3cret',
			userId: 'u1',
			now
		});
		expect(servers[0]).toEqual({ urls: 'stun:turn.example.org:3478' });
		const expiry = now.getTime() / 1000 + 12 * 3600;
		expect(servers[1]?.username).toBe(`${expiry}:u1`);
		expect(servers[1]?.credential).toBe(createHmac('sha1', 's3cret').update(`${expiry}:u1`).digest('base64'));
		expect(servers[2]).toEqual({ urls: 'turn:other.example.org', username: 'fixed', credential: 'pw' });
	});

	it('hands TURN entries over unchanged without a secret', () => {
		const iceServers = [{ urls: 'turn:turn.example.org' }];
		expect(iceServersFor({ iceServers, turnSecret: undefined, userId: 'u1', now })).toEqual(iceServers);
	});
});
