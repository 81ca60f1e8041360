import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Env } from '../env.ts';
import type { Logger } from '../log.ts';
import type { OutboxMessage, Store } from '../store/types.ts';
import { createSmtpTransport } from './smtp.ts';
import type { Mailer, MailTransport } from './types.ts';

export type { Mailer, MailTransport } from './types.ts';

const BATCH = 100;
const MAX_ATTEMPTS = 5;
/**
 * How long a batch stays this sender's (issue #17). Another instance flushing at the same time gets
 * other messages; if this one dies mid-batch, its unsent messages go out from elsewhere after this.
 */
const CLAIM_MS = 10 * 60_000;

export function createMailer({
	env,
	store,
	log,
	clock,
	transport = env.smtpUrl
		? createSmtpTransport({ smtpUrl: env.smtpUrl, from: env.mailFrom })
		: createLogTransport(log, { showLinks: env.devMailbox })
}: {
	env: Env;
	store: Store;
	log: Logger;
	clock: Clock;
	transport?: MailTransport;
}): Mailer {
	let running: Promise<void> | undefined;
	let again = false;
	let closed = false;
	const holder = `mailer:${randomUUID()}`;

	const deliver = async (message: OutboxMessage): Promise<string | undefined> => {
		try {
			await transport.send(message);
			return undefined;
		} catch (error) {
			log.warn('mail delivery failed; will retry', { id: message.id, attempt: message.attempts + 1, error });
			return error instanceof Error ? error.message : String(error);
		}
	};

	const drain = async () => {
		do {
			again = false;
			const now = clock();
			const batch = await store.mail.claim({
				limit: BATCH,
				maxAttempts: MAX_ATTEMPTS,
				now,
				holder,
				until: new Date(now.getTime() + CLAIM_MS)
			});
			if (batch.length === 0) return;
			const failures = new Map<number, string>();
			const delivered: number[] = [];
			for (const message of batch) {
				if (closed) break;
				const failure = await deliver(message);
				if (failure === undefined) delivered.push(message.id);
				else failures.set(message.id, failure);
			}
			// One write for the whole batch: marking each message on its own cost an fsync per e-mail.
			// A crash before this commit means those messages go out again: at least once, never lost.
			// Bodies hold sign-in links and personal codes: once sent (or given up on) they are dropped,
			// unless the development mailbox on this machine is where they were "sent" (issue #13).
			const keep = transport.kind === 'log' && env.devMailbox;
			const attemptsOf = new Map(batch.map((m) => [m.id, m.attempts]));
			await store.transaction(async (repos) => {
				await repos.mail.markSent(delivered, { now: clock(), redact: !keep });
				for (const [id, failure] of failures) {
					const givenUp = (attemptsOf.get(id) ?? 0) + 1 >= MAX_ATTEMPTS;
					await repos.mail.markFailed(id, failure, { redact: givenUp && !keep });
				}
				// Closing before the end of the batch: the rest is free for the next sender at once.
				const untouched = batch.filter((m) => !delivered.includes(m.id) && !failures.has(m.id));
				if (untouched.length > 0) await repos.mail.release(untouched.map((m) => m.id));
			});
			if (batch.length === BATCH) again = true;
		} while (again && !closed);
	};

	return {
		flush() {
			if (closed) return Promise.resolve();
			if (running) {
				again = true;
				return running;
			}
			running = drain()
				.catch((error: unknown) =>
					log.error('mail delivery stopped; it resumes with the next flush', { error })
				)
				.finally(() => {
					running = undefined;
				});
			return running;
		},
		async close() {
			closed = true;
			await running;
			transport.close();
		}
	};
}

/**
 * Without SMTP_URL, one line goes to the log, and in development the mail stays in the outbox for
 * /dev/mailbox. The line carries the mail's link only in development: anywhere else a log is no
 * place for a sign-in link (issue #13).
 */
export function createLogTransport(
	log: Logger,
	{ showLinks = true }: { showLinks?: boolean } = {}
): MailTransport {
	return {
		kind: 'log',
		async send(message) {
			const link = showLinks ? /https?:\/\/\S+/.exec(message.text)?.[0] : undefined;
			log.info(`mail to ${message.to}: "${message.subject}"${link ? ` ${link}` : ''}`);
		},
		close() {}
	};
}
