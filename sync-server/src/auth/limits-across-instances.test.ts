import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';

let redis: TestRedis;
const apps: TestApp[] = [];
beforeAll(async () => {
	redis = await startTestRedis();
});
afterAll(() => redis.stop());
afterEach(async () => {
	await Promise.all(apps.splice(0).map((t) => t.close()));
	await redis.flush();
});

async function instance() {
	const t = await createTestApp({ env: { REDIS_URL: redis.url, TRUST_PROXY: 'true' } });
	apps.push(t);
	return t;
}

const tryCode = (t: TestApp, code: string, ip = '203.0.113.7') =>
	t.request('/api/auth/code', { body: { code }, headers: { 'x-forwarded-for': ip } });

describe('limits on wrong codes across instances (issue #17)', () => {
	it('count toward one limit per address, whichever instance each wrong code reaches', async () => {
		const a = await instance();
		const b = await instance();
		for (let i = 0; i < 5; i++) expect((await tryCode(i % 2 ? b : a, `WRONG00${i}`)).status).toBe(401);
		// Three reached A and two reached B: each alone is under five, together they are at it.
		for (const t of [a, b]) {
			const res = await tryCode(t, 'WRONG009');
			expect(res.status).toBe(429);
			expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
		}
		// Another address is not held up by this one's count.
		expect((await tryCode(b, 'WRONG010', '198.51.100.2')).status).toBe(401);
	});

	it('count toward one limit per code, whichever instance and address it comes from', async () => {
		const a = await instance();
		const b = await instance();
		for (let i = 0; i < 5; i++)
			expect((await tryCode(i % 2 ? a : b, 'ABCD-EFGH', `192.0.2.${i}`)).status).toBe(401);
		expect((await tryCode(a, 'abcd efgh', '192.0.2.99')).status).toBe(429);
	});
});
