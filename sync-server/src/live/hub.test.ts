import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../../src/lib/contracts/live.ts';
import { silentLogger } from '../log.ts';
import { connectRedis, type RedisConnections } from '../redis/client.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import { COORDINATORS, concerned, createLiveHub, LIVE_CHANNEL } from './hub.ts';

describe('the live hub', () => {
	it('delivers an event to each stream of the people named, once, and to nobody else', () => {
		const hub = createLiveHub();
		const got: string[] = [];
		const stopA1 = hub.subscribe('ana', (e) => got.push(`ana1:${e.topic}`));
		hub.subscribe('ana', (e) => got.push(`ana2:${e.topic}`));
		hub.subscribe('eve', (e) => got.push(`eve:${e.topic}`));
		const event: LiveEvent = { topic: 'consent', conversationId: 'c1' };
		hub.publish(['ana', 'ben', 'ana'], event);
		expect(got).toEqual(['ana1:consent', 'ana2:consent']);
		stopA1();
		expect(hub.listeners('ana')).toBe(1);
		hub.publish(['ana'], { topic: 'copy', conversationId: 'c1' });
		expect(got.at(-1)).toBe('ana2:copy');
		expect(got).toHaveLength(3);
	});

	it('a stream stopped twice does not cut off a stream opened in between', () => {
		const hub = createLiveHub();
		const got: string[] = [];
		const stopOld = hub.subscribe('ana', () => got.push('old'));
		stopOld();
		hub.subscribe('ana', (e) => got.push(`new:${e.topic}`));
		stopOld();
		hub.publish(['ana'], { topic: 'consent', conversationId: 'c1' });
		expect(got).toEqual(['new:consent']);
		expect(hub.listeners('ana')).toBe(1);
	});
});

describe('the live hub across instances (issue #17)', () => {
	let server: TestRedis;
	const connections: RedisConnections[] = [];
	beforeAll(async () => {
		server = await startTestRedis();
	});
	afterAll(async () => {
		await Promise.all(connections.map((c) => c.close()));
		await server.stop();
	});
	const instance = async () => {
		const redis = connectRedis({ url: server.url, log: silentLogger });
		connections.push(redis);
		const hub = createLiveHub({ redis, log: silentLogger });
		await hub.ready;
		return hub;
	};

	it("delivers an event published on one instance to the named people's streams on another, and to nobody else", async () => {
		const a = await instance();
		const b = await instance();
		const got: string[] = [];
		b.subscribe('ana', (e) => got.push(`b-ana:${e.topic}`));
		b.subscribe(COORDINATORS, (e) => got.push(`b-console:${e.topic}`));
		b.subscribe('eve', (e) => got.push(`b-eve:${e.topic}`));
		a.subscribe('ana', (e) => got.push(`a-ana:${e.topic}`));
		a.publish(concerned(['ana', 'ben']), { topic: 'consent', conversationId: 'c1' });
		// Here at once; on B once Redis relayed it.
		expect(got).toEqual(['a-ana:consent']);
		await expect.poll(() => got.length).toBe(3);
		// An event B publishes after A's arrives after it: one channel keeps the order.
		b.publish(['eve'], { topic: 'copy', conversationId: 'c2' });
		a.publish(['eve'], { topic: 'conversation', conversationId: 'c2' });
		await expect.poll(() => got.length).toBe(5);
		expect(got.slice(1)).toEqual(
			expect.arrayContaining(['b-ana:consent', 'b-console:consent', 'b-eve:copy', 'b-eve:conversation'])
		);
		// Each instance delivered its own publish once, not a second time when Redis echoed it.
		expect(got.filter((g) => g === 'a-ana:consent')).toHaveLength(1);
		expect(got.filter((g) => g === 'b-eve:copy')).toHaveLength(1);
	});

	it('still delivers on its own instance while Redis is away', async () => {
		const lost = await startTestRedis();
		const redis = connectRedis({ url: lost.url, log: silentLogger });
		try {
			const hub = createLiveHub({ redis, log: silentLogger });
			await hub.ready;
			const got: string[] = [];
			hub.subscribe('ana', (e) => got.push(e.topic));
			await lost.stop();
			await expect.poll(() => redis.command.status).toBe('reconnecting');
			hub.publish(['ana'], { topic: 'copy', conversationId: 'c1' });
			expect(got).toEqual(['copy']);
		} finally {
			await redis.close();
			await lost.stop();
		}
	});

	it('drops what it cannot read from the channel', async () => {
		const b = await instance();
		const got: unknown[] = [];
		b.subscribe('ana', (e) => got.push(e));
		const other = connections[0]!.command;
		await other.publish(LIVE_CHANNEL, 'not json');
		await other.publish(
			LIVE_CHANNEL,
			JSON.stringify({ from: 'x', keys: ['ana'], event: { topic: 'secret' } })
		);
		await other.publish(
			LIVE_CHANNEL,
			JSON.stringify({ from: 'x', keys: ['ana'], event: { topic: 'copy', conversationId: 'c9' } })
		);
		await expect.poll(() => got).toEqual([{ topic: 'copy', conversationId: 'c9' }]);
	});
});
