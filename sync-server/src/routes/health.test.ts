import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { ApiError } from '../../../src/lib/contracts/errors.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';

let t: TestApp;
afterEach(() => t.close());

/** Issue #17: the load balancer's health check asks the database too. */
describe('GET /api/health', () => {
	it('answers 200 while the store answers, and internal (500) once it does not', async () => {
		t = await createTestApp();
		expect((await t.request('/api/health')).status).toBe(200);

		const list = t.store.communities.list.bind(t.store.communities);
		t.store.communities.list = () => Promise.reject(new Error('connection refused'));
		const res = await t.request('/api/health');
		expect(res.status).toBe(500);
		expect(v.parse(ApiError, await res.json()).code).toBe('internal');
		t.store.communities.list = list;
	});
});
