import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMark, addQuestion, setApproval, timeCodedIndex } from '../sync/question-doc';
import { docPromptSource } from './doc-prompts';

const PARTNERS = ['ana', 'ben'];
const DEFAULTS = [{ id: 'default-1', text: 'Where did you grow up?' }];

/** Two replicas that pass every update to each other, as two devices do through /yjs. */
function twoDevices() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'b' && Y.applyUpdate(b, u, 'a'));
	b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'a' && Y.applyUpdate(a, u, 'b'));
	return { a, b };
}

function agree(doc: Y.Doc, text: string): string {
	const added = addQuestion(doc, { text, by: 'ana' });
	if (!added.ok) throw new Error(added.reason);
	for (const p of PARTNERS) setApproval(doc, added.id, p, true);
	return added.id;
}

describe('docPromptSource', () => {
	it('shows the defaults while nothing is agreed, and the agreed questions once they are', () => {
		const doc = new Y.Doc();
		const source = docPromptSource({ doc, participantIds: PARTNERS, fallback: DEFAULTS });
		let changes = 0;
		source.subscribe(() => (changes += 1));
		expect(source.fromDocument()).toBe(false);
		expect(source.list()).toEqual(DEFAULTS);

		const proposed = addQuestion(doc, { text: 'Only Ana likes this one?', by: 'ana' });
		setApproval(doc, proposed.ok ? proposed.id : '', 'ana', true);
		expect(source.fromDocument()).toBe(false);

		const id = agree(doc, 'Who taught you most?');
		expect(source.fromDocument()).toBe(true);
		expect(source.list()).toEqual([{ id, text: 'Who taught you most?' }]);
		expect(changes).toBeGreaterThan(0);
	});

	it('carries a check-off and its time from one device to the other through the document', () => {
		const { a, b } = twoDevices();
		const first = agree(a, 'Who taught you most?');
		const second = agree(a, 'What do you hope for?');
		const onA = docPromptSource({ doc: a, participantIds: PARTNERS, fallback: DEFAULTS });
		const onB = docPromptSource({ doc: b, participantIds: PARTNERS, fallback: DEFAULTS });
		const seenOnB: string[] = [];
		onB.subscribe(() => seenOnB.push(JSON.stringify(onB.checks())));

		onA.setAsked(second, { asked: true, atServerMs: 1_000_500 });
		expect(onB.checks()).toEqual({ [second]: { asked: true, atServerMs: 1_000_500 } });
		expect(seenOnB.at(-1)).toBe(JSON.stringify({ [second]: { asked: true, atServerMs: 1_000_500 } }));

		onB.setAsked(second, { asked: false, atServerMs: 1_002_000 });
		onB.setAsked(first, { asked: true, atServerMs: 1_003_000 });
		expect(onA.checks()).toEqual({
			[first]: { asked: true, atServerMs: 1_003_000 },
			[second]: { asked: false, atServerMs: 1_002_000 }
		});
	});

	it('keeps check-offs of the defaults in memory and writes nothing to the document', () => {
		const doc = new Y.Doc();
		const source = docPromptSource({ doc, participantIds: PARTNERS, fallback: DEFAULTS });
		source.setAsked('default-1', { asked: true, atServerMs: 5 });
		expect(source.checks()).toEqual({ 'default-1': { asked: true, atServerMs: 5 } });
		expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(new Y.Doc()));
	});
});

describe('timeCodedIndex', () => {
	it('lists questions asked and marks by time, with the wording, and leaves out un-checked ones', () => {
		const { a, b } = twoDevices();
		const first = agree(a, 'Who taught you most?');
		const second = agree(a, 'What do you hope for?');
		const onA = docPromptSource({ doc: a, participantIds: PARTNERS, fallback: DEFAULTS });
		onA.setAsked(first, { asked: true, atServerMs: 3_000 });
		onA.setAsked(second, { asked: true, atServerMs: 9_000 });
		onA.setAsked(second, { asked: false, atServerMs: 9_500 });
		addMark(b, 'm1', 5_000);
		addMark(a, 'm1', 5_001); // the same mark from the other device does not make a second one
		expect(timeCodedIndex(b)).toEqual([
			{ kind: 'question', id: first, text: 'Who taught you most?', atServerMs: 3_000 },
			{ kind: 'mark', id: 'm1', atServerMs: 5_000 }
		]);
	});
});
