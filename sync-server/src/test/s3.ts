import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import * as v from 'valibot';
import { s3Client } from '../media/s3-blob-store.ts';
import type { S3Config } from '../media/s3-config.ts';
import { tempDir } from './harness.ts';

export interface TestS3 {
	/** The engine and its bucket, as the app's S3_* variables say them. */
	config: S3Config;
	/** S3_ENDPOINT, S3_BUCKET, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE. */
	env: Record<string, string>;
	/** How long the engine took to answer, from spawning it to the bucket made. */
	startedInMs: number;
	/** Stops the engine and removes its folder; no process is left behind. Idempotent. */
	stop(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./swift-s3.py', import.meta.url));
const Ready = v.object({ port: v.number() });

/**
 * A real S3-compatible engine for one test file (issue #17): Debian 12's OpenStack Swift 2.30 with
 * its s3api middleware (scripts/system-deps.sh installs python3-swift), in a temporary folder on a
 * free loopback port, with one bucket made. Swift was chosen as the most real S3 engine Debian
 * ships: MinIO can't be downloaded, Garage and SeaweedFS aren't packaged, radosgw needs a Ceph
 * cluster, and s3rver lacks ListParts.
 */
export async function startTestS3({ bucket = 'common-ground-test' } = {}): Promise<TestS3> {
	const started = performance.now();
	const dir = tempDir('cg-s3-');
	const secret = randomBytes(12).toString('hex');
	// stdin stays open: the engine exits when it closes, so a test run that dies leaves nothing running.
	const child = spawn('/usr/bin/python3', [SCRIPT, dir, secret], { stdio: ['pipe', 'pipe', 'pipe'] });
	let output = '';
	child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const killAtExit = () => child.kill('SIGKILL');
	process.once('exit', killAtExit);
	let stopping: Promise<void> | undefined;
	const stop = () =>
		(stopping ??= (async () => {
			process.off('exit', killAtExit);
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			await exited;
			rmSync(dir, { recursive: true, force: true });
		})());

	try {
		const port = await new Promise<number>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('Swift did not start within 30 s.')), 30_000);
			child.once('exit', (code) =>
				reject(new Error(`Swift exited with ${code} before it listened: ${output.trim() || 'no message'}`))
			);
			createInterface({ input: child.stdout }).once('line', (line) => {
				clearTimeout(timer);
				const ready = v.safeParse(Ready, JSON.parse(line));
				if (ready.success) resolve(ready.output.port);
				else reject(new Error(`Swift said ${line}`));
			});
		});
		const config: S3Config = {
			endpoint: `http://127.0.0.1:${port}`,
			bucket,
			region: 'us-east-1',
			credentials: { accessKeyId: 'test:tester', secretAccessKey: secret },
			forcePathStyle: true
		};
		const client = s3Client(config);
		try {
			await client.send(new CreateBucketCommand({ Bucket: bucket }));
		} finally {
			client.destroy();
		}
		return {
			config,
			env: {
				S3_ENDPOINT: config.endpoint ?? '',
				S3_BUCKET: bucket,
				S3_REGION: config.region,
				S3_ACCESS_KEY_ID: 'test:tester',
				S3_SECRET_ACCESS_KEY: secret,
				S3_FORCE_PATH_STYLE: 'true'
			},
			startedInMs: Math.round(performance.now() - started),
			stop
		};
	} catch (error) {
		await stop();
		throw new Error(`${(error as Error).message}\n${output.trim()}`);
	}
}
