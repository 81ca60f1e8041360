import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../log.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import { connectRedis, redactRedisUrl } from './client.ts';

let redis: TestRedis;
beforeAll(async () => {
	redis = await startTestRedis();
});
afterAll(() => redis.stop());
beforeEach(() => redis.flush());

function recordingLogger() {
	const lines: string[] = [];
	const log: Logger = {
		info: (m, d) => lines.push(`info ${m} ${JSON.stringify(d)}`),
		warn: (m, d) => lines.push(`warn ${m} ${JSON.stringify(d)}`),
		error: (m, d) => lines.push(`error ${m} ${JSON.stringify(d)}`)
	};
	return { log, lines };
}

describe('redactRedisUrl', () => {
	it('hides the password and keeps the rest', () => {
		expect(redactRedisUrl('rediss://app:s3cret@cache.example.org:6380/2')).toBe(
			'rediss://app:***@cache.example.org:6380/2'
		);
		expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
	});
});

describe('connectRedis', () => {
	it('runs commands, delivers a channel to each of its listeners until they stop, and closes', async () => {
		const { log, lines } = recordingLogger();
		const connections = connectRedis({ url: redis.url, log });
		await connections.ready();
		await connections.command.set('k', 'v');
		expect(await connections.command.get('k')).toBe('v');

		const first: string[] = [];
		const second: string[] = [];
		const stopFirst = await connections.subscribe('news', (m) => first.push(m.toString()));
		const stopSecond = await connections.subscribe('news', (m) => second.push(m.toString()));
		await connections.command.publish('news', 'one');
		await connections.command.publish('elsewhere', 'not ours');
		await expect.poll(() => second).toEqual(['one']);
		expect(first).toEqual(['one']);

		await stopFirst();
		await connections.command.publish('news', 'two');
		await expect.poll(() => second).toEqual(['one', 'two']);
		expect(first).toEqual(['one']);
		await stopSecond();
		// Nobody listens any more, so this instance no longer subscribes to the channel.
		expect(await connections.command.pubsub('NUMSUB', 'news')).toEqual(['news', 0]);

		await connections.close();
		expect(connections.command.status).toBe('end');
		expect(lines.filter((l) => l.startsWith('info redis connected'))).toHaveLength(2);
	});

	it('never logs the password of REDIS_URL', async () => {
		const { log, lines } = recordingLogger();
		const url = redis.url.replace('redis://', 'redis://:hunter2@');
		const connections = connectRedis({ url, log });
		// This Redis has no password; ioredis goes on without one, as a plain Redis allows.
		await connections.ready();
		await connections.close();
		expect(lines.length).toBeGreaterThan(0);
		expect(lines.join('\n')).not.toMatch(/hunter2/);
		expect(connections.where).toBe(redis.url.replace('redis://', 'redis://:***@'));
	});

	it('says what to check when Redis does not answer', async () => {
		const { log } = recordingLogger();
		const stopped = await startTestRedis();
		await stopped.stop();
		const connections = connectRedis({ url: stopped.url, log });
		await expect(connections.ready(300)).rejects.toThrow(/did not answer.*REDIS_URL/);
		await connections.close();
	});
});
