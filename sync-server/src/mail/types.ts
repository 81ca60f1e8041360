import type { OutboxMessage } from '../store/types.ts';

/**
 * Mail is queued in the mail_outbox table inside the transaction that causes it, so a sign-up and
 * its welcome email commit together. The Mailer then delivers what is queued.
 */
export interface Mailer {
	/** Delivers queued messages. Never rejects: a failure is recorded on the message and retried later. */
	flush(): Promise<void>;
	close(): Promise<void>;
}

/** Where the Mailer hands each message. Its own module, so mailer.ts and smtp.ts don't import each other. */
export interface MailTransport {
	/** SMTP hands messages to a real mail server; `log` leaves them in the outbox (the dev mailbox). */
	readonly kind: 'smtp' | 'log';
	send(message: OutboxMessage): Promise<void>;
	close(): void;
}
