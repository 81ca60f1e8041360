import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test/harness.ts';
import { startTestS3, type TestS3 } from '../test/s3.ts';
import { diskBlobStore, readBlob, type BlobStore } from './blob-store.ts';
import { s3BlobStore } from './s3-blob-store.ts';

const scratch = tempDir('cg-blobs-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function localFile(bytes: Uint8Array): string {
	const path = join(scratch, randomBytes(6).toString('hex'));
	writeFileSync(path, bytes);
	return path;
}

/** The same contract on disk (today's layout) and on a real S3 engine (Swift's s3api). */
describe.each(['disk', 's3'] as const)('the %s blob store', (kind) => {
	let blobs: BlobStore;
	let engine: TestS3 | undefined;
	beforeAll(async () => {
		if (kind === 's3') engine = await startTestS3();
		blobs = engine ? s3BlobStore(engine.config) : diskBlobStore(tempDir('cg-blobs-disk-'));
	}, 60_000);
	afterAll(async () => {
		blobs.close();
		await engine?.stop();
	});

	it('files bytes whole under a key, and reads them back as bytes, a stream and a size', async () => {
		const bytes = new TextEncoder().encode('a mixed copy');
		await blobs.put('copies/one.opus', { bytes });
		expect(await blobs.bytes('copies/one.opus')).toEqual(bytes);
		expect(await text((await blobs.stream('copies/one.opus'))!)).toBe('a mixed copy');
		expect(await blobs.head('copies/one.opus')).toEqual({ bytes: bytes.byteLength });
	});

	it('files a local file larger than an S3 part, byte for byte', async () => {
		// 12 MiB: more than the 5 MiB a part may be, so a single PUT must carry it all.
		const bytes = new Uint8Array(randomBytes(12 * 1024 * 1024));
		await blobs.put('uploads/big', { path: localFile(bytes) });
		expect(Buffer.compare(Buffer.from((await blobs.bytes('uploads/big'))!), bytes)).toBe(0);
		expect(await blobs.head('uploads/big')).toEqual({ bytes: bytes.byteLength });
	});

	it('replaces a blob whole when its key is filed again (a copy mixed again)', async () => {
		await blobs.put('copies/two.opus', { bytes: new TextEncoder().encode('first mix') });
		await blobs.put('copies/two.opus', { bytes: new TextEncoder().encode('second') });
		expect(new TextDecoder().decode(await readBlob(blobs, 'copies/two.opus'))).toBe('second');
	});

	it('says "no such blob" as undefined, deletes, and deleting twice is harmless', async () => {
		await blobs.put('copies/three.opus', { bytes: new Uint8Array([1, 2, 3]) });
		await blobs.delete('copies/three.opus');
		await blobs.delete('copies/three.opus');
		expect(await blobs.bytes('copies/three.opus')).toBeUndefined();
		expect(await blobs.stream('copies/three.opus')).toBeUndefined();
		expect(await blobs.head('copies/three.opus')).toBeUndefined();
		await expect(readBlob(blobs, 'copies/three.opus')).rejects.toThrow(/missing from the/);
	});

	it('lists the keys under a folder and none of a neighbour’s, and deletes a folder whole (issue #17)', async () => {
		const one = new Uint8Array([1]);
		for (const key of ['kiosk-queue/k/1/0.bin', 'kiosk-queue/k/1/1.bin', 'kiosk-queue/k/10/0.bin'])
			await blobs.put(key, { bytes: one });
		expect((await blobs.list('kiosk-queue/k/1/')).sort()).toEqual([
			'kiosk-queue/k/1/0.bin',
			'kiosk-queue/k/1/1.bin'
		]);
		expect(await blobs.list('kiosk-queue/none/')).toEqual([]);
		await blobs.deleteUnder('kiosk-queue/k/1/');
		await blobs.deleteUnder('kiosk-queue/k/1/');
		expect(await blobs.list('kiosk-queue/k/1/')).toEqual([]);
		expect(await blobs.list('kiosk-queue/k/')).toEqual(['kiosk-queue/k/10/0.bin']);
		await expect(blobs.list('kiosk-queue/k')).rejects.toThrow(/ends in \//);
	});
});

describe('the S3 blob store at start', () => {
	it('says which bucket did not answer and what to check, never the secret', async () => {
		const engine = await startTestS3();
		try {
			const elsewhere = s3BlobStore({ ...engine.config, bucket: 'no-such-bucket' });
			await expect(s3BlobStore(engine.config).ready()).resolves.toBeUndefined();
			const problem = await elsewhere.ready().then(
				() => undefined,
				(error: Error) => error.message
			);
			expect(problem).toMatch(
				/^The bucket no-such-bucket at http:\/\/127\.0\.0\.1:\d+ did not answer \(404\)/
			);
			expect(problem).toContain('create the bucket');
			expect(problem).not.toContain(engine.config.credentials?.secretAccessKey);
		} finally {
			await engine.stop();
		}
	}, 60_000);
});

describe('the disk blob store keeps DATA_DIR’s layout', () => {
	it('a confirmed upload stays where tus wrote it; a scratch file is moved into place', async () => {
		const dataDir = tempDir('cg-blobs-layout-');
		try {
			const blobs = diskBlobStore(dataDir);
			const upload = join(dataDir, 'uploads', 'abc');
			rmSync(join(dataDir, 'uploads'), { recursive: true, force: true });
			await blobs.put('copies/x.opus', { bytes: new Uint8Array([9]) });
			expect(readFileSync(join(dataDir, 'copies', 'x.opus'))).toEqual(Buffer.from([9]));

			await blobs.put('uploads/abc', { bytes: new Uint8Array([1, 2]) });
			await blobs.put('uploads/abc', { path: upload });
			expect(readFileSync(upload)).toEqual(Buffer.from([1, 2]));

			const temporary = localFile(new Uint8Array([7, 7]));
			await blobs.put('copies/y.opus', { path: temporary });
			expect(existsSync(temporary)).toBe(false);
			expect(readFileSync(join(dataDir, 'copies', 'y.opus'))).toEqual(Buffer.from([7, 7]));
			await expect(blobs.put('../outside', { bytes: new Uint8Array([1]) })).rejects.toThrow(
				/outside DATA_DIR/
			);
		} finally {
			rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
