import * as v from 'valibot';

/** GET /api/dev/mailbox (development only): the outgoing mail, newest first. Tests read sign-in links here. */
export const MailboxEntry = v.strictObject({
	id: v.number(),
	to: v.string(),
	subject: v.string(),
	text: v.string(),
	createdAt: v.string()
});
export type MailboxEntry = v.InferOutput<typeof MailboxEntry>;

export const Mailbox = v.array(MailboxEntry);
