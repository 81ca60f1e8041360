import * as v from 'valibot';

/**
 * GET /api/events (Server-Sent Events): what changed for the signed-in person (issue #14). An event
 * names the thing, never its contents; the page refetches it through its own authorized route, so
 * the push channel can't leak what the routes would not show.
 */
export const LIVE_TOPICS = ['conversation', 'consent', 'copy'] as const;
export const LiveEvent = v.union([
	v.strictObject({
		topic: v.picklist(LIVE_TOPICS),
		conversationId: v.string()
	}),
	// A partner organization's people moved on (signed up, oriented, matched, scheduled, recorded):
	// its open dashboard looks again. It names no person and no conversation, which the staff's
	// routes would not show them either.
	v.strictObject({ topic: v.literal('progress') })
]);
export type LiveEvent = v.InferOutput<typeof LiveEvent>;

/** The SSE event name the server sends changes under. */
export const LIVE_EVENT_NAME = 'change';
