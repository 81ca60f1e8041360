import * as v from 'valibot';

/** GET /api/dev/mailbox (development only): the outgoing mail, newest first. Tests read sign-in links here. */
export const MailboxEntry = v.strictObject({
	id: v.number(),
	to: v.string(),
	subject: v.string(),
	text: v.string(),
	createdAt: v.string(),
	/** Reminders wait in the outbox until this time. */
	sendAfter: v.nullable(v.string()),
	/** Attached files (calendar invites), content included so tests can read them. */
	attachments: v.array(v.strictObject({ filename: v.string(), contentType: v.string(), content: v.string() }))
});
export type MailboxEntry = v.InferOutput<typeof MailboxEntry>;

export const Mailbox = v.array(MailboxEntry);
