/**
 * What a participant does next, from where their conversations stand (issue #14: the signed-in
 * home page shows the next step; nobody is left wondering). Pure: the home page renders it.
 */
export type NextStepKind =
	| 'orientation'
	| 'wait_for_match'
	| 'accept'
	| 'wait_for_partner'
	| 'pick_time'
	| 'confirm_time'
	| 'join'
	| 'after_recording';

export interface NextStep {
	kind: NextStepKind;
	href: string;
	partner?: string;
}

export interface ParticipantView {
	oriented: boolean;
	conversations: readonly {
		id: string;
		status: string;
		iAccepted: boolean;
		proposedStart: string | null;
		proposedByMe: boolean;
		roomUrl: string;
		partner: { firstName: string };
	}[];
}

export function nextStep(view: ParticipantView): NextStep {
	if (!view.oriented) return { kind: 'orientation', href: '/orientation' };
	const active = view.conversations.find((c) => ['proposed', 'accepted', 'scheduled'].includes(c.status));
	if (active) {
		const partner = active.partner.firstName;
		const page = { href: '/conversation', partner };
		if (active.status === 'proposed')
			return { kind: active.iAccepted ? 'wait_for_partner' : 'accept', ...page };
		if (active.status === 'accepted')
			return { kind: active.proposedStart && !active.proposedByMe ? 'confirm_time' : 'pick_time', ...page };
		return { kind: 'join', href: new URL(active.roomUrl).pathname, partner };
	}
	const recorded = view.conversations.find((c) => c.status === 'recorded');
	if (recorded)
		return {
			kind: 'after_recording',
			href: `/conversations/${recorded.id}`,
			partner: recorded.partner.firstName
		};
	return { kind: 'wait_for_match', href: '/conversation' };
}
