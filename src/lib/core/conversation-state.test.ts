import { describe, expect, it } from 'vitest';
import { transition, type ConversationState } from './conversation-state';

const NOW = new Date('2026-11-02T15:00:00Z');
const base: ConversationState = {
	status: 'proposed',
	participantIds: ['ada', 'ben'],
	acceptedAt: [null, null],
	proposedStart: null,
	proposedBy: null,
	scheduledStart: null
};
const start = '2026-11-04T00:00:00.000Z';

describe('conversation lifecycle', () => {
	it('becomes accepted only when both have accepted', () => {
		const first = transition(base, { actorId: 'ada', action: { type: 'accept' }, now: NOW });
		expect(first).toMatchObject({ ok: true, patch: { acceptedAt: [NOW.toISOString(), null] } });
		expect(first.ok && first.patch.status).toBeFalsy();
		const second = transition(
			{ ...base, acceptedAt: [NOW.toISOString(), null] },
			{ actorId: 'ben', action: { type: 'accept' }, now: NOW }
		);
		expect(second).toMatchObject({ ok: true, patch: { status: 'accepted' } });
	});

	it('schedules when the partner picks the time the other proposed, and sends invites', () => {
		const accepted: ConversationState = { ...base, status: 'accepted' };
		const proposal = transition(accepted, { actorId: 'ada', action: { type: 'pick_time', start }, now: NOW });
		expect(proposal).toMatchObject({ ok: true, patch: { proposedStart: start, proposedBy: 'ada' } });
		// The same person picking again does not agree with themselves.
		const again = transition(
			{ ...accepted, proposedStart: start, proposedBy: 'ada' },
			{ actorId: 'ada', action: { type: 'pick_time', start }, now: NOW }
		);
		expect(again.ok && again.patch.status).toBeFalsy();
		const agreed = transition(
			{ ...accepted, proposedStart: start, proposedBy: 'ada' },
			{ actorId: 'ben', action: { type: 'pick_time', start }, now: NOW }
		);
		expect(agreed).toMatchObject({
			ok: true,
			patch: { status: 'scheduled', scheduledStart: start },
			effects: [{ type: 'send_invites', start }]
		});
	});

	it('a decline puts both back in the pool with priority', () => {
		const step = transition(base, {
			actorId: 'ben',
			action: { type: 'decline', reason: ' busy ' },
			now: NOW
		});
		expect(step).toMatchObject({
			ok: true,
			patch: { status: 'declined', declinedBy: 'ben', declineReason: 'busy' },
			effects: [
				{ type: 'release' },
				{ type: 'requeue', userId: 'ada', priority: true },
				{ type: 'requeue', userId: 'ben', priority: true },
				{ type: 'notify_partner', about: 'declined' }
			]
		});
	});

	it('a no-show can be reported from 10 minutes after the start, and rematches the reporter first', () => {
		const scheduled: ConversationState = { ...base, status: 'scheduled', scheduledStart: start };
		const at = (minutes: number) => new Date(Date.parse(start) + minutes * 60_000);
		expect(transition(scheduled, { actorId: 'ada', action: { type: 'report_no_show' }, now: at(9) })).toEqual(
			{
				ok: false,
				refusal: 'too_early'
			}
		);
		expect(
			transition(scheduled, { actorId: 'ada', action: { type: 'report_no_show' }, now: at(10) })
		).toMatchObject({
			ok: true,
			patch: { status: 'no_show', noShowReportedBy: 'ada', noShowUserId: 'ben' },
			effects: [
				{ type: 'withdraw_reminders' },
				{ type: 'release' },
				{ type: 'requeue', userId: 'ada', priority: true }
			]
		});
	});

	it('refuses what the state does not allow, and times in the past', () => {
		expect(transition(base, { actorId: 'ada', action: { type: 'reschedule' }, now: NOW })).toEqual({
			ok: false,
			refusal: 'not_now'
		});
		expect(
			transition(
				{ ...base, status: 'accepted' },
				{ actorId: 'ada', action: { type: 'pick_time', start: '2026-11-01T00:00:00Z' }, now: NOW }
			)
		).toEqual({ ok: false, refusal: 'in_the_past' });
		expect(
			transition({ ...base, status: 'recorded' }, { actorId: 'ada', action: { type: 'cancel' }, now: NOW })
		).toEqual({
			ok: false,
			refusal: 'not_now'
		});
	});

	it('becomes recorded once the recording is made, withdraws the reminders and frees both people (issue #14)', () => {
		const scheduled: ConversationState = { ...base, status: 'scheduled', scheduledStart: start };
		expect(transition(scheduled, { actorId: 'ada', action: { type: 'record' }, now: NOW })).toEqual({
			ok: true,
			patch: { status: 'recorded' },
			effects: [{ type: 'withdraw_reminders' }, { type: 'release' }]
		});
	});

	it('a recorded conversation is final: no cancel, reschedule, no-show, decline or second recording', () => {
		const recorded: ConversationState = { ...base, status: 'recorded', scheduledStart: start };
		const later = new Date(Date.parse(start) - 3_600_000);
		const afterStart = new Date(Date.parse(start) + 3_600_000);
		for (const [action, now] of [
			[{ type: 'cancel' }, later],
			[{ type: 'reschedule' }, later],
			[{ type: 'report_no_show' }, afterStart],
			[{ type: 'decline' }, later],
			[{ type: 'record' }, afterStart]
		] as const) {
			expect(transition(recorded, { actorId: 'ben', action, now }), action.type).toEqual({
				ok: false,
				refusal: 'not_now'
			});
		}
	});
});
