import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	EMPTY_DRAFT,
	describedBy,
	hasDescription,
	parseKeywords,
	readDescription,
	saveDescription,
	type DescriptionDraft
} from './archive-description-doc';

/** Two partners' replicas; `sync` exchanges what each has not seen. */
function pair() {
	const a = new Y.Doc();
	const b = new Y.Doc();
	const sync = () => {
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
	};
	return { a, b, sync };
}

const draft = (d: Partial<DescriptionDraft>): DescriptionDraft => ({ ...EMPTY_DRAFT, ...d });

describe('the shared archive description', () => {
	it('keeps both partners’ first words when both write offline', () => {
		const { a, b, sync } = pair();
		saveDescription(a, { next: draft({ title: 'Two neighbours' }), base: EMPTY_DRAFT, by: 'ana', at: 1 });
		saveDescription(b, {
			next: draft({ summary: 'We talked about the mill.' }),
			base: EMPTY_DRAFT,
			by: 'ben',
			at: 2
		});
		sync();
		expect(readDescription(a)).toEqual(readDescription(b));
		expect(readDescription(a)).toMatchObject({
			title: 'Two neighbours',
			summary: 'We talked about the mill.'
		});
		expect(describedBy(a).map((d) => d.userId)).toEqual(['ben', 'ana']);
	});

	it('merges simultaneous edits of the same title, keeping both people’s changes', () => {
		const { a, b, sync } = pair();
		saveDescription(a, {
			next: draft({ title: 'A talk about farming' }),
			base: EMPTY_DRAFT,
			by: 'ana',
			at: 1
		});
		sync();
		const opened = readDescription(b);
		saveDescription(a, {
			next: draft({ ...opened, title: 'A long talk about farming' }),
			base: opened,
			by: 'ana',
			at: 2
		});
		sync();
		// Ben's form still shows what it opened with; his save replays only his change.
		const result = saveDescription(b, {
			next: draft({ ...opened, title: 'A talk about farming and faith' }),
			base: opened,
			by: 'ben',
			at: 3
		});
		sync();
		expect(result).toMatchObject({ ok: true, merged: { title: 'A long talk about farming and faith' } });
		expect(readDescription(a).title).toBe('A long talk about farming and faith');
	});

	it('adds and removes keywords without repeats, whatever their case', () => {
		const { a, b, sync } = pair();
		saveDescription(a, {
			next: draft({ keywords: ['Farming', 'faith'] }),
			base: EMPTY_DRAFT,
			by: 'ana',
			at: 1
		});
		saveDescription(b, {
			next: draft({ keywords: ['farming', 'Ohio'] }),
			base: EMPTY_DRAFT,
			by: 'ben',
			at: 2
		});
		sync();
		expect(
			readDescription(a)
				.keywords.map((k) => k.toLowerCase())
				.sort()
		).toEqual(['faith', 'farming', 'ohio']);
		const opened = readDescription(b);
		saveDescription(b, {
			next: draft({ ...opened, keywords: opened.keywords.filter((k) => k.toLowerCase() !== 'faith') }),
			base: opened,
			by: 'ben',
			at: 3
		});
		sync();
		expect(
			readDescription(a)
				.keywords.map((k) => k.toLowerCase())
				.sort()
		).toEqual(['farming', 'ohio']);
	});

	it('refuses a save that would make a field longer than the archive takes, and writes nothing', () => {
		const doc = new Y.Doc();
		const result = saveDescription(doc, {
			next: draft({ title: 'x'.repeat(121) }),
			base: EMPTY_DRAFT,
			by: 'ana',
			at: 1
		});
		expect(result).toEqual({ ok: false, reason: 'too_long', field: 'title' });
		const many = Array.from({ length: 13 }, (_, i) => `k${i}`);
		expect(
			saveDescription(doc, { next: draft({ keywords: many }), base: EMPTY_DRAFT, by: 'ana', at: 1 })
		).toEqual({
			ok: false,
			reason: 'too_many_keywords',
			field: 'keywords'
		});
		expect(hasDescription(readDescription(doc))).toBe(false);
		expect(describedBy(doc)).toEqual([]);
	});

	it('writes nothing when nothing changed', () => {
		const doc = new Y.Doc();
		saveDescription(doc, { next: draft({ place: 'Dayton' }), base: EMPTY_DRAFT, by: 'ana', at: 1 });
		const before = Y.encodeStateVector(doc);
		saveDescription(doc, { next: readDescription(doc), base: readDescription(doc), by: 'ben', at: 2 });
		expect(Y.encodeStateVector(doc)).toEqual(before);
	});

	it('reads typed keywords split by commas or semicolons', () => {
		expect(parseKeywords(' farming, Faith ;; farming ,')).toEqual(['farming', 'Faith']);
	});
});
