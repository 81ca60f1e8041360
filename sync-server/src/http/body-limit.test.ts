import { Hono } from 'hono';
import { expect, it } from 'vitest';
import { declaredBodyLimit } from './body-limit.ts';

const app = new Hono()
	.use(declaredBodyLimit({ maxSize: 10, onError: (c) => c.text('too large', 413) }))
	.post('/', async (c) => c.text(`read ${(await c.req.text()).length}`));

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
	app.request('/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

/** A body whose length nobody declares, as a chunked upload sends it. */
const streamed = (text: string) =>
	new ReadableStream({
		start(controller) {
			controller.enqueue(new TextEncoder().encode(text));
			controller.close();
		}
	});

it('judges a body by its declared Content-Length, before reading it', async () => {
	expect(await (await post('x'.repeat(11), { 'content-length': '11' })).text()).toBe('too large');
	expect(await (await post('x'.repeat(10), { 'content-length': '10' })).text()).toBe('read 10');
});

it('counts a body without Content-Length as it streams in', async () => {
	expect((await post(streamed('x'.repeat(11)))).status).toBe(413);
	expect(await (await post(streamed('x'.repeat(10)))).text()).toBe('read 10');
});
