import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { viewList, wordingFingerprint } from '../core/questions/agreement';
import {
	addComment,
	addQuestion,
	editWording,
	markAsked,
	moveQuestion,
	readList,
	removeQuestion,
	setApproval,
	setReady
} from './question-doc';

/**
 * Issue #4, "Convergence": random concurrent edits on 2–3 replicas, each going offline and online
 * at random, always converge; and after every merge, "agreed" means both partners approved the
 * current wording, and no question appears twice.
 */

const PARTNERS = ['ana', 'ben'] as const;
// Replica 0 is Ana, 1 is Ben, 2 is Ana again on a second device.
const OWNERS = ['ana', 'ben', 'ana'];
const WORDINGS = ['Why here?', 'What do you hope for?', 'Who taught you most?', 'why here?', ''];

type Op =
	| { kind: 'addBank'; replica: number; bank: number }
	| { kind: 'addOwn'; replica: number; text: number }
	| { kind: 'edit'; replica: number; pick: number; text: number; append: boolean }
	| { kind: 'move'; replica: number; pick: number; to: number }
	| { kind: 'remove'; replica: number; pick: number }
	| { kind: 'approve'; replica: number; pick: number; approved: boolean }
	| { kind: 'comment'; replica: number; pick: number }
	| { kind: 'ready'; replica: number; ready: boolean }
	| { kind: 'asked'; replica: number; pick: number }
	| { kind: 'toggle'; replica: number }
	| { kind: 'sync' };

const replica = fc.nat(2);
const pick = fc.nat(9);
const op: fc.Arbitrary<Op> = fc.oneof(
	fc.record({ kind: fc.constant('addBank' as const), replica, bank: fc.nat(4) }),
	fc.record({ kind: fc.constant('addOwn' as const), replica, text: fc.nat(WORDINGS.length - 1) }),
	fc.record({
		kind: fc.constant('edit' as const),
		replica,
		pick,
		text: fc.nat(WORDINGS.length - 1),
		append: fc.boolean()
	}),
	fc.record({ kind: fc.constant('move' as const), replica, pick, to: fc.nat(9) }),
	fc.record({ kind: fc.constant('remove' as const), replica, pick }),
	fc.record({ kind: fc.constant('approve' as const), replica, pick, approved: fc.boolean() }),
	fc.record({ kind: fc.constant('approve' as const), replica, pick, approved: fc.constant(true) }),
	fc.record({ kind: fc.constant('comment' as const), replica, pick }),
	fc.record({ kind: fc.constant('ready' as const), replica, ready: fc.boolean() }),
	fc.record({ kind: fc.constant('asked' as const), replica, pick }),
	fc.record({ kind: fc.constant('toggle' as const), replica }),
	fc.constant({ kind: 'sync' as const })
);

/** Sends each online replica what the server lacks, and the server's state back. */
function syncOnline(server: Y.Doc, docs: Y.Doc[], online: boolean[]) {
	docs.forEach((doc, i) => {
		if (!online[i]) return;
		Y.applyUpdate(server, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server)));
	});
	docs.forEach((doc, i) => {
		if (!online[i]) return;
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(server, Y.encodeStateVector(doc)));
		expectInvariants(doc);
	});
}

function expectInvariants(doc: Y.Doc) {
	const state = readList(doc);
	const view = viewList(state, PARTNERS);
	const ids = view.questions.map((q) => q.id);
	expect(new Set(ids).size).toBe(ids.length);
	const bankIds = view.questions.flatMap((q) => (q.bankId ? [q.bankId] : []));
	expect(new Set(bankIds).size).toBe(bankIds.length);
	for (const q of view.agreed) {
		for (const partner of PARTNERS) expect(q.approvals[partner]).toBe(wordingFingerprint(q.text));
		expect(q.text.trim()).not.toBe('');
	}
	if (view.readyToRecord) {
		expect(view.agreed.length).toBeGreaterThan(0);
		for (const partner of PARTNERS) expect(state.ready[partner]).toBe(view.agreedFingerprint);
	}
}

function apply(doc: Y.Doc, owner: string, o: Op) {
	const list = readList(doc).questions.sort((a, b) => (a.position < b.position ? -1 : 1));
	const target = 'pick' in o ? list[o.pick % Math.max(1, list.length)] : undefined;
	switch (o.kind) {
		case 'addBank':
			return addQuestion(doc, { text: `Bank question ${o.bank}`, by: owner, bankId: `b${o.bank}` });
		case 'addOwn':
			return addQuestion(doc, { text: WORDINGS[o.text]!, by: owner });
		case 'edit':
			return target && editWording(doc, target.id, o.append ? `${target.text}!` : WORDINGS[o.text]!);
		case 'move':
			return target && moveQuestion(doc, target.id, o.to);
		case 'remove':
			return target && removeQuestion(doc, target.id, owner);
		case 'approve':
			return target && setApproval(doc, target.id, owner, o.approved);
		case 'comment':
			return target && addComment(doc, target.id, { by: owner, name: owner, text: 'Good one' });
		case 'ready':
			return setReady(doc, owner, PARTNERS, o.ready);
		case 'asked':
			return target && markAsked(doc, target.id);
	}
}

describe('question list convergence', () => {
	it('converges, and keeps its invariants after every merge', () => {
		fc.assert(
			fc.property(fc.integer({ min: 2, max: 3 }), fc.array(op, { maxLength: 80 }), (count, ops) => {
				const server = new Y.Doc();
				const docs = Array.from({ length: count }, () => new Y.Doc());
				const online = docs.map(() => true);
				for (const o of ops) {
					if (o.kind === 'sync') syncOnline(server, docs, online);
					else if (o.kind === 'toggle') online[o.replica % count] = !online[o.replica % count];
					else apply(docs[o.replica % count]!, OWNERS[o.replica % count]!, o);
				}
				online.fill(true);
				syncOnline(server, docs, online);
				const states = docs.map((d) => JSON.stringify(viewList(readList(d), PARTNERS)));
				for (const s of states) expect(s).toBe(states[0]);
			}),
			{ numRuns: 500 }
		);
		// Half a thousand random histories: seconds on a busy shared machine.
	}, 120_000);

	it('approvals that raced with an edit do not count', () => {
		// Ana edits on her laptop while Ben, and Ana on her phone, approve the old wording.
		const [laptop, ben, phone] = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
		const added = addQuestion(laptop, { text: 'Why here?', by: 'ana' });
		if (!added.ok) throw new Error('not added');
		for (const d of [ben, phone]) Y.applyUpdate(d, Y.encodeStateAsUpdate(laptop));
		setApproval(phone, added.id, 'ana', true);
		setApproval(ben, added.id, 'ben', true);
		editWording(laptop, added.id, 'Why are you here today?');
		const merged = Y.mergeUpdates([laptop, ben, phone].map((d) => Y.encodeStateAsUpdate(d)));
		for (const d of [laptop, ben, phone]) Y.applyUpdate(d, merged);
		expect(readList(laptop).questions[0]?.text).toBe('Why are you here today?');
		expect(viewList(readList(laptop), PARTNERS).agreed).toEqual([]);
		expect(readList(ben)).toEqual(readList(laptop));

		setApproval(laptop, added.id, 'ana', true);
		setApproval(ben, added.id, 'ben', true);
		Y.applyUpdate(laptop, Y.encodeStateAsUpdate(ben));
		expect(viewList(readList(laptop), PARTNERS).agreed.map((q) => q.text)).toEqual([
			'Why are you here today?'
		]);
	});
});
