import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UPLOADS_DIR } from './tus.ts';

/** A share track begun during a call and not finished in this long is given up (the device sends it afresh). */
export const ABANDONED_AFTER_MS = 30 * 24 * 60 * 60_000;

/**
 * Removes uploads begun during a call (length still open) that nobody continued for 30 days: what
 * a tab left behind when it died mid-call, or a sign-in that ended (tus-js-client then starts a
 * new upload). Uploads made with a length are kept whatever their age: they may resume days later.
 * A device that does come back is told the upload is gone, and sends the whole file again.
 */
export async function sweepAbandonedUploads(dataDir: string, now = Date.now()): Promise<string[]> {
	const directory = join(dataDir, UPLOADS_DIR);
	const names = await readdir(directory).catch(() => [] as string[]);
	const removed: string[] = [];
	for (const name of names.filter((n) => n.endsWith('.json'))) {
		const id = name.slice(0, -'.json'.length);
		const record = await readFile(join(directory, name), 'utf8')
			.then((text) => JSON.parse(text) as { size?: number | null; creation_date?: string })
			.catch(() => undefined);
		if (!record || (record.size !== undefined && record.size !== null)) continue;
		const created = Date.parse(record.creation_date ?? '');
		if (!(now - created > ABANDONED_AFTER_MS)) continue;
		await rm(join(directory, id), { force: true });
		await rm(join(directory, name), { force: true });
		removed.push(id);
	}
	return removed;
}

/** How many uploads `userId` has begun and not finished (issue #13: there was no cap). */
export async function openUploadsOf(dataDir: string, userId: string): Promise<number> {
	const directory = join(dataDir, UPLOADS_DIR);
	const names = await readdir(directory).catch(() => [] as string[]);
	let open = 0;
	for (const name of names.filter((n) => n.endsWith('.json'))) {
		const record = await readFile(join(directory, name), 'utf8')
			.then((text) => JSON.parse(text) as { size?: number | null; metadata?: { userId?: string } })
			.catch(() => undefined);
		if (record?.metadata?.userId !== userId) continue;
		const size = record.size ?? undefined;
		const bytes = await stat(join(directory, name.slice(0, -'.json'.length)))
			.then((s) => s.size)
			.catch(() => 0);
		if (size === undefined || bytes < size) open += 1;
	}
	return open;
}
