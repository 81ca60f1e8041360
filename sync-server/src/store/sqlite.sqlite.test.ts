import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/harness.ts';
import { SQLITE_FILE, openStore } from './sqlite.ts';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the SQLite store', () => {
	it('uses WAL', async () => {
		const dataDir = tempDir('cg-store-');
		dirs.push(dataDir);
		const store = await openStore({ dataDir });
		await store.close();
		const db = new Database(join(dataDir, SQLITE_FILE));
		expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
		db.close();
	});
});
