import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../env.ts';
import { silentLogger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { tempDir } from '../test/harness.ts';
import { openTestStore, removeTestStore } from '../test/store.ts';
import { createMailer, type MailTransport } from './mailer.ts';

let store: Store;
let dataDir: string;
let now = 0;
const clock = () => new Date(now);
const env = loadEnv({});

beforeEach(async () => {
	now = Date.parse('2026-11-02T15:00:00Z');
	dataDir = tempDir('cg-outbox-');
	store = await openTestStore({ dataDir });
	for (let i = 0; i < 30; i++)
		await store.mail.enqueue(
			{ to: `p${i}@example.org`, subject: 'Hi', text: `Mail ${i}`, html: null },
			clock()
		);
});
afterEach(async () => {
	await store.close();
	await removeTestStore(dataDir);
	rmSync(dataDir, { recursive: true, force: true });
});

/** One mail server both instances hand their messages to; it notes every message it gets. */
function sharedServer() {
	const received: string[] = [];
	const transport: MailTransport = {
		kind: 'smtp',
		async send(message) {
			// A real server answers later: the other instance's flush runs in between.
			await new Promise((resolve) => setImmediate(resolve));
			received.push(message.text);
		},
		close() {}
	};
	return { transport, received };
}

const everyMail = Array.from({ length: 30 }, (_, i) => `Mail ${i}`).sort();

describe('the mail outbox across instances (issue #17)', () => {
	it('two instances flushing at once send each message once', async () => {
		const server = sharedServer();
		const instances = [0, 1].map(() =>
			createMailer({ env, store, log: silentLogger, clock, transport: server.transport })
		);
		await Promise.all(instances.flatMap((mailer) => [mailer.flush(), mailer.flush()]));
		for (const mailer of instances) await mailer.close();
		expect([...server.received].sort()).toEqual(everyMail);
		const outbox = await store.mail.list({ limit: 100 });
		expect(outbox.every((m) => m.sentAt !== null)).toBe(true);
	});

	it('messages a dead instance had claimed go out from another once its claim has passed', async () => {
		await store.mail.claim({
			limit: 10,
			maxAttempts: 5,
			now: clock(),
			holder: 'killed-instance',
			until: new Date(now + 10 * 60_000)
		});
		const server = sharedServer();
		const mailer = createMailer({ env, store, log: silentLogger, clock, transport: server.transport });
		await mailer.flush();
		expect(server.received).toHaveLength(20);

		now += 10 * 60_000 + 1;
		await mailer.flush();
		await mailer.close();
		expect([...server.received].sort()).toEqual(everyMail);
	});
});
