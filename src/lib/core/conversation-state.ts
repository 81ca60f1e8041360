/**
 * The conversation's lifecycle from match to agreed time (issue #3): proposed → accepted → scheduled,
 * with decline, reschedule, cancel and no-show, and on to recorded once the recording has been made
 * (issue #14). Pure: the server applies the patch and runs the effects. A recorded conversation is
 * final: nothing here moves it again, so it can't be cancelled, rescheduled or reported as a no-show.
 */
export const CONVERSATION_STATUSES = [
	'proposed',
	'accepted',
	'scheduled',
	'recorded',
	'declined',
	'cancelled',
	'no_show'
] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** A conversation that still holds both people: neither can be matched again meanwhile. */
export const ACTIVE_STATUSES: readonly ConversationStatus[] = ['proposed', 'accepted', 'scheduled'];

/** How long after the start a participant may say the partner did not come (issue #3). */
export const NO_SHOW_AFTER_MINUTES = 10;

export interface ConversationState {
	status: ConversationStatus;
	participantIds: readonly [string, string];
	acceptedAt: readonly [string | null, string | null];
	proposedStart: string | null;
	proposedBy: string | null;
	scheduledStart: string | null;
}

export type ConversationAction =
	| { type: 'accept' }
	| { type: 'decline'; reason?: string }
	| { type: 'pick_time'; start: string }
	| { type: 'reschedule' }
	| { type: 'cancel' }
	| { type: 'report_no_show' }
	/** The recording has been made: both share tracks confirmed, or a participant's Stop (issue #14). */
	| { type: 'record' };

/** What the server must do besides saving the patch. */
export type Effect =
	| { type: 'release' }
	| { type: 'requeue'; userId: string; priority: boolean }
	| { type: 'send_invites'; start: string }
	| { type: 'withdraw_reminders' }
	| {
			type: 'notify_partner';
			about: 'accepted' | 'declined' | 'time_proposed' | 'rescheduled' | 'cancelled';
	  };

export interface ConversationPatch {
	status?: ConversationStatus;
	acceptedAt?: [string | null, string | null];
	declinedBy?: string | null;
	declineReason?: string;
	proposedStart?: string | null;
	proposedBy?: string | null;
	scheduledStart?: string | null;
	noShowReportedBy?: string | null;
	noShowUserId?: string | null;
}

export type Refusal = 'not_now' | 'too_early' | 'in_the_past';
export type Transition =
	{ ok: true; patch: ConversationPatch; effects: Effect[] } | { ok: false; refusal: Refusal };

const refuse = (refusal: Refusal): Transition => ({ ok: false, refusal });

export function transition(
	state: ConversationState,
	{ actorId, action, now }: { actorId: string; action: ConversationAction; now: Date }
): Transition {
	const me = state.participantIds.indexOf(actorId);
	if (me === -1) throw new Error('transition() needs one of the two participants as actor');
	const partnerId = state.participantIds[1 - me]!;
	const at = now.toISOString();
	const backInPool = (priorityFor: (id: string) => boolean): Effect[] => [
		{ type: 'release' },
		...state.participantIds.map((id): Effect => ({ type: 'requeue', userId: id, priority: priorityFor(id) }))
	];

	switch (action.type) {
		case 'accept': {
			if (state.status !== 'proposed') return refuse('not_now');
			const acceptedAt: [string | null, string | null] = [...state.acceptedAt];
			acceptedAt[me] = acceptedAt[me] ?? at;
			const both = acceptedAt[0] !== null && acceptedAt[1] !== null;
			return {
				ok: true,
				patch: { acceptedAt, ...(both && { status: 'accepted' }) },
				effects: [{ type: 'notify_partner', about: 'accepted' }]
			};
		}
		case 'decline':
			if (state.status !== 'proposed' && state.status !== 'accepted') return refuse('not_now');
			// Issue #3: "A decline puts both back in the pool, with priority."
			return {
				ok: true,
				patch: { status: 'declined', declinedBy: actorId, declineReason: action.reason?.trim() ?? '' },
				effects: [...backInPool(() => true), { type: 'notify_partner', about: 'declined' }]
			};
		case 'pick_time': {
			if (state.status !== 'accepted') return refuse('not_now');
			if (Date.parse(action.start) <= now.getTime()) return refuse('in_the_past');
			const agreed = state.proposedStart === action.start && state.proposedBy === partnerId;
			if (agreed) {
				return {
					ok: true,
					patch: { status: 'scheduled', scheduledStart: action.start, proposedStart: null, proposedBy: null },
					effects: [{ type: 'send_invites', start: action.start }]
				};
			}
			return {
				ok: true,
				patch: { proposedStart: action.start, proposedBy: actorId },
				effects: [{ type: 'notify_partner', about: 'time_proposed' }]
			};
		}
		case 'reschedule':
			if (state.status !== 'scheduled' || !startsLater(state, now)) return refuse('not_now');
			return {
				ok: true,
				patch: { status: 'accepted', scheduledStart: null, proposedStart: null, proposedBy: null },
				effects: [{ type: 'withdraw_reminders' }, { type: 'notify_partner', about: 'rescheduled' }]
			};
		case 'cancel':
			if (!ACTIVE_STATUSES.includes(state.status)) return refuse('not_now');
			return {
				ok: true,
				patch: { status: 'cancelled' },
				effects: [
					{ type: 'withdraw_reminders' },
					// The one who was let down goes first next time.
					...backInPool((id) => id === partnerId),
					{ type: 'notify_partner', about: 'cancelled' }
				]
			};
		case 'record':
			if (!ACTIVE_STATUSES.includes(state.status)) return refuse('not_now');
			// Nothing more to remind anyone of, and both people are free to be matched again.
			return {
				ok: true,
				patch: { status: 'recorded' },
				effects: [{ type: 'withdraw_reminders' }, { type: 'release' }]
			};
		case 'report_no_show': {
			if (state.status !== 'scheduled' || !state.scheduledStart) return refuse('not_now');
			const allowedFrom = Date.parse(state.scheduledStart) + NO_SHOW_AFTER_MINUTES * 60_000;
			if (now.getTime() < allowedFrom) return refuse('too_early');
			return {
				ok: true,
				patch: { status: 'no_show', noShowReportedBy: actorId, noShowUserId: partnerId },
				// The reporter is rematched with priority; the absent partner waits for the coordinator.
				effects: [
					{ type: 'withdraw_reminders' },
					{ type: 'release' },
					{ type: 'requeue', userId: actorId, priority: true }
				]
			};
		}
	}
}

function startsLater(state: ConversationState, now: Date): boolean {
	return state.scheduledStart !== null && Date.parse(state.scheduledStart) > now.getTime();
}
