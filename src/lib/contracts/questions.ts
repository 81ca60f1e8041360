import * as v from 'valibot';

/**
 * The question list's boundaries (issue #4): the REST summary a page needs before it opens the
 * shared document, and the WebSocket close codes of /yjs/:doc, which client and server share.
 */

/** Document names are `<kind>-<id>`; the question list of a conversation is `questions-<conversation id>`. */
export const QUESTIONS_DOC_PREFIX = 'questions-';
export const questionsDocName = (conversationId: string) => `${QUESTIONS_DOC_PREFIX}${conversationId}`;

/** Close codes. 44xx mirror HTTP statuses; the client never retries the permanent ones. */
export const CLOSE = {
	/** Not signed in (or the session expired). */
	unauthorized: 4401,
	/** Signed in, but not one of this conversation's people. */
	forbidden: 4403,
	/** No such document or conversation. */
	notFound: 4404,
	/** A message, or the document it would make, is over the size limit. */
	tooLarge: 4413,
	/** Too many messages on this connection: reconnect after a pause. */
	rateLimited: 4429,
	/** A message that is not the y-websocket protocol. */
	badMessage: 4400,
	/** The server is restarting, or could not store an update: reconnect. */
	restarting: 1012,
	/** The socket could not keep up: reconnect and catch up. */
	tryAgainLater: 1013,
	internal: 1011
} as const;

export const PERMANENT_CLOSE_CODES: readonly number[] = [
	CLOSE.unauthorized,
	CLOSE.forbidden,
	CLOSE.notFound,
	CLOSE.tooLarge,
	CLOSE.badMessage,
	// ws' own "message too big", past our limit: sending it again would fail again.
	1009
];

export const QuestionListPerson = v.strictObject({ userId: v.string(), firstName: v.string() });

/** GET /api/questions/:conversationId: who the list belongs to, and what this person may do with it. */
export const QuestionListSummary = v.strictObject({
	conversationId: v.string(),
	docName: v.string(),
	role: v.picklist(['participant', 'facilitator', 'observer']),
	me: QuestionListPerson,
	/** The two partners, first names only (DESIGN.md, "Privacy rules"). */
	participants: v.pipe(v.array(QuestionListPerson), v.length(2)),
	facilitator: v.nullable(QuestionListPerson)
});
export type QuestionListSummary = v.InferOutput<typeof QuestionListSummary>;
