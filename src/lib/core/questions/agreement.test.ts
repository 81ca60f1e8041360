import { describe, expect, it } from 'vitest';
import {
	can,
	canRemove,
	isAgreed,
	viewList,
	wordingFingerprint,
	type QuestionListState,
	type QuestionState
} from './agreement';

const partners = ['ana', 'ben'];
const question = (overrides: Partial<QuestionState> = {}): QuestionState => ({
	id: 'q1',
	text: 'Why are you here?',
	position: 'a0',
	proposedBy: 'ana',
	bankId: null,
	approvals: {},
	comments: [],
	asked: false,
	...overrides
});
const approvedBy = (text: string, ...who: string[]) =>
	Object.fromEntries(who.map((w) => [w, wordingFingerprint(text)]));

describe('agreement rules', () => {
	it('a question is agreed only when both partners approved its current wording', () => {
		const text = 'Why are you here?';
		expect(isAgreed(question({ approvals: approvedBy(text, 'ana') }), partners)).toBe(false);
		expect(isAgreed(question({ approvals: approvedBy(text, 'ana', 'ben') }), partners)).toBe(true);
		expect(isAgreed(question({ approvals: approvedBy('Why here?', 'ana', 'ben') }), partners)).toBe(false);
		// Spacing is not wording.
		expect(
			isAgreed(
				question({ text: ' Why are  you here? ', approvals: approvedBy(text, 'ana', 'ben') }),
				partners
			)
		).toBe(true);
		// The facilitator's approval is not a partner's.
		expect(isAgreed(question({ approvals: approvedBy(text, 'ana', 'fay') }), partners)).toBe(false);
		expect(isAgreed(question({ text: '', approvals: approvedBy('', 'ana', 'ben') }), partners)).toBe(false);
	});

	it('orders by position, then id, and "ready" holds only for the agreed list as it is now', () => {
		const a = question({ id: 'a', position: 'a1', approvals: approvedBy('Why are you here?', 'ana', 'ben') });
		const b = question({ id: 'b', position: 'a0', text: 'Who raised you?' });
		const c = question({ id: 'c', position: 'a0', text: 'Where from?' });
		const state: QuestionListState = { questions: [a, b, c], ready: {} };
		const view = viewList(state, partners);
		expect(view.questions.map((q) => q.id)).toEqual(['b', 'c', 'a']);
		expect(view.agreed.map((q) => q.id)).toEqual(['a']);
		expect(view.readyToRecord).toBe(false);

		const ready = { ana: view.agreedFingerprint, ben: view.agreedFingerprint };
		expect(viewList({ ...state, ready }, partners).readyToRecord).toBe(true);
		// Agreeing one more question changes the list they said ready about.
		const more = { ...b, approvals: approvedBy('Who raised you?', 'ana', 'ben') };
		const changed = viewList({ questions: [a, more, c], ready }, partners);
		expect(changed.readyToRecord).toBe(false);
		expect(changed.readyBy).toEqual([]);
	});

	it('role × action', () => {
		expect([
			can('participant', 'edit'),
			can('participant', 'approve'),
			can('participant', 'comment')
		]).toEqual([true, true, true]);
		expect([
			can('facilitator', 'edit'),
			can('facilitator', 'approve'),
			can('facilitator', 'comment')
		]).toEqual([true, false, true]);
		expect([can('observer', 'edit'), can('observer', 'approve'), can('observer', 'comment')]).toEqual([
			false,
			false,
			false
		]);
		expect(canRemove({ proposedBy: 'ana' }, 'ana', 'participant')).toBe(true);
		expect(canRemove({ proposedBy: 'ana' }, 'ben', 'participant')).toBe(false);
		expect(canRemove({ proposedBy: 'cora' }, 'cora', 'observer')).toBe(false);
	});
});
