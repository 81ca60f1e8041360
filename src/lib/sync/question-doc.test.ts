import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addQuestion, editWording, readList, setApproval } from './question-doc';

/** Issue #14: two people edit one question's wording at the same time; both keep their words. */

const BASE = 'What does a good neighbor do?';

function twoReplicas() {
	const [ana, ben] = [new Y.Doc(), new Y.Doc()];
	const added = addQuestion(ana, { text: BASE, by: 'ana' });
	if (!added.ok) throw new Error('not added');
	Y.applyUpdate(ben, Y.encodeStateAsUpdate(ana));
	return { ana, ben, id: added.id };
}

const sync = (...docs: Y.Doc[]) => {
	const merged = Y.mergeUpdates(docs.map((d) => Y.encodeStateAsUpdate(d)));
	for (const d of docs) Y.applyUpdate(d, merged);
};
const wording = (doc: Y.Doc) => readList(doc).questions[0]?.text;

describe('editWording from the wording the editor opened with', () => {
	it('keeps a partner’s save that arrived while the editor was open', () => {
		const { ana, ben, id } = twoReplicas();
		expect(editWording(ana, id, 'What, in your view, does a good neighbor do?', BASE)).toEqual({
			ok: true,
			id
		});
		sync(ana, ben);
		// Ben's editor opened with BASE and never saw Ana's words.
		expect(editWording(ben, id, 'What does a good neighbor do for you?', BASE)).toEqual({ ok: true, id });
		sync(ana, ben);
		for (const d of [ana, ben])
			expect(wording(d)).toBe('What, in your view, does a good neighbor do for you?');
	});

	it('keeps both when both save before either hears of the other (offline)', () => {
		const { ana, ben, id } = twoReplicas();
		editWording(ana, id, 'So, what does a good neighbor do?', BASE);
		editWording(ben, id, 'What does a good neighbor do all year?', BASE);
		sync(ana, ben);
		expect(wording(ana)).toBe('So, what does a good neighbor do all year?');
		expect(wording(ben)).toBe(wording(ana));
	});

	it('without a base, replaces the wording; an unchanged merge writes nothing', () => {
		const { ana, id } = twoReplicas();
		setApproval(ana, id, 'ben', true);
		const before = Y.encodeStateVector(ana);
		expect(editWording(ana, id, BASE, BASE)).toEqual({ ok: true, id });
		expect(Y.encodeStateVector(ana)).toEqual(before);
		expect(readList(ana).questions[0]?.approvals).toHaveProperty('ben');
		editWording(ana, id, 'Who is a good neighbor?');
		expect(wording(ana)).toBe('Who is a good neighbor?');
		expect(readList(ana).questions[0]?.approvals).toEqual({});
	});

	it('checks the merged wording, not only mine', () => {
		const { ana, ben, id } = twoReplicas();
		editWording(ana, id, `${BASE} ${'a'.repeat(200)}`, BASE);
		sync(ana, ben);
		expect(editWording(ben, id, `${BASE} ${'b'.repeat(200)}`, BASE)).toEqual({
			ok: false,
			reason: 'too_long'
		});
		expect(wording(ben)).toBe(`${BASE} ${'a'.repeat(200)}`);
	});
});
