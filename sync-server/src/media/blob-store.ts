import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Env } from '../env.ts';
import { s3BlobStore } from './s3-blob-store.ts';

/** What a blob is made from: a local file (a finished upload, a mixed copy) or bytes in hand. */
export type BlobSource = { path: string } | { bytes: Uint8Array };

/**
 * Where confirmed audio lives (issue #17): the tracks, the mixed copies, and so what the archive
 * packages are built from. A key is the path the database records (`uploads/<id>`,
 * `copies/<id>.opus`). On disk it is that path under DATA_DIR, exactly as before; with S3_* set
 * it is that key in a bucket every instance reads.
 */
export interface BlobStore {
	readonly kind: 'disk' | 's3';
	/**
	 * Files `source` under `key`, whole: nobody reads half of it, and a crash leaves the old blob or
	 * none. A file source may be moved rather than copied: its caller must not count on it after.
	 * Resolves once the blob is durable, so a database row naming it can be written next.
	 */
	put(key: string, source: BlobSource): Promise<void>;
	/** The whole blob (the mix and the archive package decode it in memory), or undefined. */
	bytes(key: string): Promise<Uint8Array | undefined>;
	/** The blob as a stream, for a download, or undefined. */
	stream(key: string): Promise<Readable | undefined>;
	/** Its size, or undefined when there is no such blob. */
	head(key: string): Promise<{ bytes: number } | undefined>;
	/** Removes it; nothing happens when it is not there. */
	delete(key: string): Promise<void>;
	/**
	 * The keys of every blob under `folder` (a key prefix ending in `/`, like `kiosk-queue/<kiosk>/<item>/`),
	 * in no set order: a kiosk's sealed chunks, which any instance may have received (issue #17).
	 */
	list(folder: string): Promise<string[]>;
	/** Removes every blob under `folder` (ending in `/`); nothing happens when there is none. */
	deleteUnder(folder: string): Promise<void>;
	/** Rejects, saying what to check, when the storage can't be reached (checked at start). */
	ready(): Promise<void>;
	close(): void;
}

/** The one place that decides where confirmed audio lives: S3 when S3_* is set, otherwise DATA_DIR. */
export function openBlobStore(env: Pick<Env, 'dataDir' | 'objectStorage'>): BlobStore {
	return env.objectStorage ? s3BlobStore(env.objectStorage) : diskBlobStore(env.dataDir);
}

/** A blob a database row names: its absence is a fault (a lost file, the wrong bucket), never silence. */
export async function readBlob(blobs: BlobStore, key: string): Promise<Uint8Array> {
	const bytes = await blobs.bytes(key);
	if (!bytes) throw new Error(`${key} is missing from the ${blobs.kind} store`);
	return bytes;
}

/** Today's layout: each key is a file under DATA_DIR. */
export function diskBlobStore(dataDir: string): BlobStore {
	const root = resolve(dataDir);
	const place = (key: string) => {
		const path = resolve(root, key);
		// Keys come from our own code and rows, never from a request; still, never outside DATA_DIR.
		if (!path.startsWith(`${root}/`)) throw new Error(`blob key outside DATA_DIR: ${key}`);
		return path;
	};
	const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
	return {
		kind: 'disk',
		async put(key, source) {
			const target = place(key);
			await mkdir(dirname(target), { recursive: true });
			if ('bytes' in source) return writeWhole(target, source.bytes);
			// A finished upload is already where its key says: it only has to be on the disk for good.
			if (resolve(source.path) !== target) {
				await syncFile(source.path);
				await rename(source.path, target);
			} else await syncFile(target);
		},
		bytes: (key) =>
			readFile(place(key)).then(
				(buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
				(error: unknown) => (missing(error) ? undefined : Promise.reject(error))
			),
		async stream(key) {
			const path = place(key);
			// Opened before answering, so a missing file is "no blob", not a broken download.
			const handle = await open(path, 'r').catch((error: unknown) =>
				missing(error) ? undefined : Promise.reject(error)
			);
			return handle?.createReadStream();
		},
		head: (key) =>
			stat(place(key)).then(
				(s) => ({ bytes: s.size }),
				(error: unknown) => (missing(error) ? undefined : Promise.reject(error))
			),
		delete: (key) => rm(place(key), { force: true }),
		async list(folder) {
			const dir = place(folderKey(folder));
			const names = await readdir(dir, { recursive: true, withFileTypes: true }).catch((error: unknown) =>
				missing(error) ? [] : Promise.reject(error)
			);
			return names
				.filter((entry) => entry.isFile() && !entry.name.endsWith(PARTIAL))
				.map((entry) => relative(root, join(entry.parentPath, entry.name)));
		},
		// Today's layout: the folder goes with its files, and with any a crash left half-written.
		deleteUnder: (folder) => rm(place(folderKey(folder)), { recursive: true, force: true }),
		ready: async () => {},
		close() {}
	};
}

const PARTIAL = '.partial';

/** A folder of keys ends in `/`, so `kiosk-queue/a/1/` never takes in `kiosk-queue/a/10/`. */
export function folderKey(folder: string): string {
	if (!folder.endsWith('/')) throw new Error(`a blob folder ends in /: ${folder}`);
	return folder;
}

/**
 * Writes to a temporary name, syncs, then renames over the final name (atomic on one file system):
 * a crash mid-write leaves the old file or none, never half a file (issue #6, mix restarted after a
 * crash). The temporary name is fixed, so a rerun overwrites any leftover instead of piling them up.
 */
async function writeWhole(path: string, bytes: Uint8Array): Promise<void> {
	const partial = `${path}${PARTIAL}`;
	const handle = await open(partial, 'w');
	try {
		await handle.writeFile(bytes);
		await handle.sync();
	} finally {
		await handle.close();
	}
	await rename(partial, path);
}

async function syncFile(path: string): Promise<void> {
	const handle = await open(path, 'r+');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}
