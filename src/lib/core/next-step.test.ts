import { describe, expect, it } from 'vitest';
import { nextStep, type ParticipantView } from './next-step';

const conversation = (over: Partial<ParticipantView['conversations'][number]> = {}) => ({
	id: 'c1',
	status: 'proposed',
	iAccepted: false,
	proposedStart: null,
	proposedByMe: false,
	roomUrl: 'https://cg.example.org/conversations/c1/room',
	partner: { firstName: 'Tom' },
	...over
});

describe('the next step of a participant', () => {
	it('is the orientation first, before anyone can be matched', () => {
		expect(nextStep({ oriented: false, conversations: [] })).toEqual({
			kind: 'orientation',
			href: '/orientation'
		});
	});

	it('follows the conversation from the match to the room', () => {
		const step = (c: ReturnType<typeof conversation>) =>
			nextStep({ oriented: true, conversations: [c] }).kind;
		expect(step(conversation())).toBe('accept');
		expect(step(conversation({ iAccepted: true }))).toBe('wait_for_partner');
		expect(step(conversation({ status: 'accepted' }))).toBe('pick_time');
		expect(
			step(conversation({ status: 'accepted', proposedStart: '2026-12-02T00:00:00Z', proposedByMe: true }))
		).toBe('pick_time');
		expect(step(conversation({ status: 'accepted', proposedStart: '2026-12-02T00:00:00Z' }))).toBe(
			'confirm_time'
		);
		expect(nextStep({ oriented: true, conversations: [conversation({ status: 'scheduled' })] })).toEqual({
			kind: 'join',
			href: '/conversations/c1/room',
			partner: 'Tom'
		});
	});

	it('after a recording it is consent and the copy; after a cancel, waiting for a new match', () => {
		expect(nextStep({ oriented: true, conversations: [conversation({ status: 'recorded' })] })).toMatchObject(
			{
				kind: 'after_recording',
				href: '/conversations/c1'
			}
		);
		expect(nextStep({ oriented: true, conversations: [conversation({ status: 'cancelled' })] }).kind).toBe(
			'wait_for_match'
		);
	});
});
