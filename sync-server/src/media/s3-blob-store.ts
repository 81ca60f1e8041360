import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
	DeleteObjectCommand,
	GetObjectCommand,
	HeadBucketCommand,
	HeadObjectCommand,
	ListObjectsV2Command,
	PutObjectCommand,
	S3Client
} from '@aws-sdk/client-s3';
import { folderKey, type BlobStore } from './blob-store.ts';
import type { S3Config } from './s3-config.ts';

/**
 * Confirmed audio in an S3-compatible bucket (issue #17). One PUT per blob: S3 makes an object
 * visible only once all of it has arrived, so nobody reads half a copy, and its row is written
 * after the PUT answers. Files go up as one request (a 40-minute FLAC master is ~150 MB; S3 takes
 * up to 5 GB in one PUT), so no multipart state is left behind by a crash.
 */
export function s3BlobStore(config: S3Config): BlobStore {
	const client = s3Client(config);
	const Bucket = config.bucket;
	const list = async (folder: string) => {
		const keys: string[] = [];
		let ContinuationToken: string | undefined;
		do {
			const page = await client.send(
				new ListObjectsV2Command({ Bucket, Prefix: folderKey(folder), ContinuationToken })
			);
			for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
			ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
		} while (ContinuationToken);
		return keys;
	};
	return {
		kind: 's3',
		async put(key, source) {
			const body =
				'bytes' in source
					? { Body: source.bytes, ContentLength: source.bytes.byteLength }
					: { Body: createReadStream(source.path), ContentLength: (await stat(source.path)).size };
			await client.send(new PutObjectCommand({ Bucket, Key: key, ...body }));
		},
		async bytes(key) {
			const got = await orMissing(client.send(new GetObjectCommand({ Bucket, Key: key })));
			return got?.Body ? got.Body.transformToByteArray() : undefined;
		},
		async stream(key) {
			const got = await orMissing(client.send(new GetObjectCommand({ Bucket, Key: key })));
			// In Node the SDK's body is the HTTP response itself, a Readable.
			return got?.Body as Readable | undefined;
		},
		async head(key) {
			const got = await orMissing(client.send(new HeadObjectCommand({ Bucket, Key: key })));
			return got ? { bytes: got.ContentLength ?? 0 } : undefined;
		},
		async delete(key) {
			await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
		},
		list,
		async deleteUnder(folder) {
			// One DELETE per object: a multi-object delete needs a Content-MD5 some engines insist on.
			for (const key of await list(folder)) await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
		},
		async ready() {
			try {
				await client.send(new HeadBucketCommand({ Bucket }));
			} catch (error) {
				const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
				const where = config.endpoint ?? `AWS (${config.region})`;
				throw new Error(
					`The bucket ${Bucket} at ${where} did not answer (${status ?? (error as Error).message}). ` +
						'Check S3_ENDPOINT, S3_BUCKET and the key, and create the bucket before the first start.',
					{ cause: error }
				);
			}
		},
		close: () => client.destroy()
	};
}

/** The client for S3_*; also used by the tests' engine starter to make the bucket. */
export function s3Client(config: S3Config): S3Client {
	return new S3Client({
		endpoint: config.endpoint,
		region: config.region,
		forcePathStyle: config.forcePathStyle,
		credentials: config.credentials,
		// The SDK's default since 3.729 adds CRC32 checksums in aws-chunked trailers, which S3-compatible
		// engines that predate them (Swift 2.30's s3api, the engine tested here) refuse. The uploads are
		// checked by their SHA-256 before they get here (uploads/verify.ts).
		requestChecksumCalculation: 'WHEN_REQUIRED',
		responseChecksumValidation: 'WHEN_REQUIRED'
	});
}

/** The answer, or undefined for "no such key" (GET says NoSuchKey, HEAD only 404). */
async function orMissing<T>(request: Promise<T>): Promise<T | undefined> {
	try {
		return await request;
	} catch (error) {
		const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
		if (status === 404 || (error as Error).name === 'NoSuchKey') return undefined;
		throw error;
	}
}
