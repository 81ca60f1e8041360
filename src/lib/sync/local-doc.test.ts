import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDb } from '../db/db';
import { persistOnDevice } from './local-doc';
import { addQuestion, editWording, readList } from './question-doc';

describe('persistOnDevice', () => {
	it('keeps every edit across a reload, and merges its rows past the limit', async () => {
		const db = openDb(`local-doc-${Math.random()}`);
		const doc = new Y.Doc();
		const pending: number[] = [];
		const stop = await persistOnDevice({
			db,
			docName: 'questions-x',
			doc,
			onPending: (n) => pending.push(n)
		});
		for (let i = 0; i < 10; i++) addQuestion(doc, { text: `Question ${i}`, by: 'ana' });
		const first = readList(doc).questions[0]!;
		for (let i = 0; i < 200; i++) editWording(doc, first.id, `Question 0, take ${i}`);
		await new Promise<void>((resolve) => {
			const check = () => (pending.at(-1) === 0 ? resolve() : setTimeout(check, 5));
			check();
		});
		stop();
		// 210 updates were made; past 200 rows they were merged.
		expect(await db.yjsUpdates.count()).toBeLessThan(200);

		const reloaded = new Y.Doc();
		await persistOnDevice({ db, docName: 'questions-x', doc: reloaded });
		expect(readList(reloaded).questions).toHaveLength(10);
		expect(readList(reloaded)).toEqual(readList(doc));
		db.close();
	});
});
