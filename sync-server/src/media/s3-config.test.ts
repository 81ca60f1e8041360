import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../env.ts';

const swift = {
	S3_ENDPOINT: 'http://127.0.0.1:8080',
	S3_BUCKET: 'common-ground-audio',
	S3_ACCESS_KEY_ID: 'test:tester',
	S3_SECRET_ACCESS_KEY: 'a-secret',
	S3_FORCE_PATH_STYLE: 'true'
};

function problems(source: Record<string, string>): string[] {
	try {
		loadEnv(source);
	} catch (error) {
		if (error instanceof EnvError) return error.problems;
		throw error;
	}
	return [];
}

describe('S3_* (issue #17)', () => {
	it('unset: no object storage, so confirmed audio stays in DATA_DIR', () => {
		expect(loadEnv({}).objectStorage).toBeUndefined();
	});

	it('set: the bucket, its engine and its key, with us-east-1 as the region when none is given', () => {
		expect(loadEnv(swift).objectStorage).toEqual({
			endpoint: 'http://127.0.0.1:8080',
			bucket: 'common-ground-audio',
			region: 'us-east-1',
			credentials: { accessKeyId: 'test:tester', secretAccessKey: 'a-secret' },
			forcePathStyle: true
		});
		expect(loadEnv({ S3_BUCKET: 'audio-eu', S3_REGION: 'eu-west-1' }).objectStorage).toEqual({
			endpoint: undefined,
			bucket: 'audio-eu',
			region: 'eu-west-1',
			credentials: undefined,
			forcePathStyle: false
		});
	});

	it('says what is wrong, and never repeats the secret', () => {
		const { S3_BUCKET: _bucket, ...withoutBucket } = swift;
		expect(problems(withoutBucket)).toEqual([
			expect.stringMatching(/^S3_BUCKET: it is needed when S3_ENDPOINT, .* is set; unset them all/)
		]);
		const { S3_ACCESS_KEY_ID: _key, ...withoutKeyId } = swift;
		expect(problems(withoutKeyId)).toEqual([
			'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither.'
		]);
		expect(problems({ ...swift, S3_ENDPOINT: 'ftp://files.example.org' })).toEqual([
			'S3_ENDPOINT: S3_ENDPOINT must start with http:// or https://.'
		]);
		expect(problems({ ...swift, S3_BUCKET: 'Audio Files' })).toEqual([
			'S3_BUCKET: S3_BUCKET must be a bucket name like common-ground-audio.'
		]);
		expect(problems({ ...swift, S3_FORCE_PATH_STYLE: 'yes', PORT: 'x' })).toHaveLength(2);
		for (const problem of problems({ ...swift, S3_ACCESS_KEY_ID: '' }))
			expect(problem).not.toContain('a-secret');
	});
});
