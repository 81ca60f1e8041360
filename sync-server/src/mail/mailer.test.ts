import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../env.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { OutboxMessage, Store } from '../store/types.ts';
import { tempDir } from '../test/harness.ts';
import { openTestStore, removeTestStore } from '../test/store.ts';
import { createLogTransport, createMailer, type MailTransport } from './mailer.ts';
import { describeDuration, welcomeEmail } from './templates.ts';

let store: Store;
let dataDir: string;
afterEach(async () => {
	await store.close();
	rmSync(dataDir, { recursive: true, force: true });
	await removeTestStore(dataDir);
});

const env = loadEnv({});
const clock = () => new Date('2026-11-02T15:00:00Z');

async function queue(count = 1) {
	dataDir = tempDir('cg-mail-');
	store = await openTestStore({ dataDir });
	for (let i = 0; i < count; i++) {
		await store.mail.enqueue(
			{
				to: `p${i}@example.org`,
				subject: 'Hi',
				text: `Open https://x.example/signin?token=t${i}`,
				html: null
			},
			clock()
		);
	}
}

/** A mail server that accepts or refuses; the real SMTP client is nodemailer's to test, not ours. */
function recordingServer({ failures = 0 } = {}) {
	const received: OutboxMessage[] = [];
	let toFail = failures;
	const transport: MailTransport = {
		kind: 'smtp',
		async send(message) {
			if (toFail-- > 0) throw new Error('421 try again later');
			received.push(message);
		},
		close() {}
	};
	return { transport, received };
}

describe('createMailer', () => {
	it('without SMTP: logs one line with the link and keeps the message readable in the outbox', async () => {
		await queue();
		const lines: string[] = [];
		const log: Logger = { ...silentLogger, info: (m) => lines.push(m) };
		const mailer = createMailer({ env, store, log, clock, transport: createLogTransport(log) });
		await mailer.flush();
		await mailer.close();

		expect(lines).toEqual(['mail to p0@example.org: "Hi" https://x.example/signin?token=t0']);
		const [message] = await store.mail.list({ limit: 1 });
		expect(message).toMatchObject({
			sentAt: clock().toISOString(),
			text: 'Open https://x.example/signin?token=t0'
		});
	});

	it('with SMTP: delivers, then drops the bodies (they hold sign-in links and codes)', async () => {
		await queue(3);
		const server = recordingServer();
		const mailer = createMailer({ env, store, log: silentLogger, clock, transport: server.transport });
		await mailer.flush();
		await mailer.close();

		expect(server.received.map((m) => m.to)).toEqual(['p0@example.org', 'p1@example.org', 'p2@example.org']);
		for (const message of await store.mail.list({ limit: 10 })) {
			expect(message.sentAt).not.toBeNull();
			expect(message.text).not.toContain('token=');
		}
	});

	it('in production without SMTP: no link in the log, and no body left in the outbox (issue #13)', async () => {
		await queue();
		const lines: string[] = [];
		const log: Logger = { ...silentLogger, info: (m) => lines.push(m) };
		const production = loadEnv({ NODE_ENV: 'production' });
		const mailer = createMailer({ env: production, store, log, clock });
		await mailer.flush();
		await mailer.close();
		expect(lines).toEqual(['mail to p0@example.org: "Hi"']);
		const [message] = await store.mail.list({ limit: 1 });
		expect(message?.sentAt).toBe(clock().toISOString());
		expect(message?.text).not.toContain('token=');
	});

	it('drops the body of a message given up on after its last attempt', async () => {
		await queue();
		const server = recordingServer({ failures: 99 });
		const mailer = createMailer({ env, store, log: silentLogger, clock, transport: server.transport });
		for (let i = 0; i < 4; i++) await mailer.flush();
		expect((await store.mail.list({ limit: 1 }))[0]?.text).toContain('token=');
		await mailer.flush();
		await mailer.close();
		const [message] = await store.mail.list({ limit: 1 });
		expect(message).toMatchObject({ sentAt: null, attempts: 5 });
		expect(message?.text).not.toContain('token=');
	});

	it('records a failure and delivers on a later flush', async () => {
		await queue();
		const server = recordingServer({ failures: 1 });
		const mailer = createMailer({ env, store, log: silentLogger, clock, transport: server.transport });
		await mailer.flush();
		expect((await store.mail.list({ limit: 1 }))[0]).toMatchObject({
			sentAt: null,
			attempts: 1,
			error: '421 try again later'
		});

		await mailer.flush();
		await mailer.close();
		expect(server.received).toHaveLength(1);
		expect((await store.mail.list({ limit: 1 }))[0]?.sentAt).not.toBeNull();
	});
});

describe('mail templates', () => {
	it('the welcome email carries the link, the code and what happens next', () => {
		const mail = welcomeEmail({
			to: 'rosa@example.org',
			firstName: 'Rosa',
			communityName: 'Birmingham, AL',
			signInUrl: 'https://talk.example.org/signin?token=abc',
			personalCode: 'K7QM-4XTR',
			linkTtlMinutes: 1440,
			language: 'en',
			orientationUrl: 'https://talk.example.org/orientation'
		});
		expect(mail.text).toContain('https://talk.example.org/signin?token=abc');
		// The step before matching is named and linked (issue #14).
		expect(mail.text).toMatch(/orientation[^\n]*\nhttps:\/\/talk\.example\.org\/orientation\n/);
		expect(mail.text).toContain('K7QM-4XTR');
		expect(mail.text).toContain('1 day');
		expect(mail.html).toContain('<a href="https://talk.example.org/signin?token=abc">');
	});

	it.each([
		[60 * 24 * 7, '7 days'],
		[60, '1 hour'],
		[90, '90 minutes']
	])('describes %i minutes as %s', (minutes, text) => {
		expect(describeDuration(minutes)).toBe(text);
	});
});
