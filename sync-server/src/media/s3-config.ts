import * as v from 'valibot';

/**
 * Where confirmed audio lives when it is not DATA_DIR (issue #17): an S3-compatible bucket every
 * instance reads. The secret key is here only to reach the client; it is never logged.
 */
export type S3Config = {
	/** Unset: AWS's own endpoint for the region. */
	endpoint: string | undefined;
	bucket: string;
	region: string;
	/** Unset: the AWS SDK's default chain (the instance's role, ~/.aws). */
	credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
	/** http://host/bucket/key instead of http://bucket.host/key (Swift, most self-hosted engines). */
	forcePathStyle: boolean;
};

const S3Schema = v.object({
	S3_ENDPOINT: v.optional(
		v.pipe(
			v.string(),
			v.url('S3_ENDPOINT must be a full URL like https://s3.example.org.'),
			v.check(
				(u) => /^https?:$/.test(new URL(u).protocol),
				'S3_ENDPOINT must start with http:// or https://.'
			)
		)
	),
	S3_BUCKET: v.optional(
		v.pipe(
			v.string(),
			v.regex(
				/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
				'S3_BUCKET must be a bucket name like common-ground-audio.'
			)
		)
	),
	S3_REGION: v.optional(v.string(), 'us-east-1'),
	S3_ACCESS_KEY_ID: v.optional(v.string()),
	S3_SECRET_ACCESS_KEY: v.optional(v.string()),
	S3_FORCE_PATH_STYLE: v.optional(
		v.picklist(['true', 'false', '1', '0'], 'S3_FORCE_PATH_STYLE must be true or false.'),
		'false'
	)
});

/**
 * The S3_* variables, or undefined when none is set (confirmed audio stays in DATA_DIR). Problems
 * are returned as sentences for env.ts's one configuration error.
 */
export function parseS3Config(
	present: Record<string, string>
): { ok: true; config: S3Config | undefined } | { ok: false; problems: string[] } {
	const given = Object.keys(present).filter((name) => name.startsWith('S3_'));
	if (given.length === 0) return { ok: true, config: undefined };
	const parsed = v.safeParse(S3Schema, present);
	if (!parsed.success)
		return { ok: false, problems: parsed.issues.map((i) => `${v.getDotPath(i) ?? 'S3'}: ${i.message}`) };
	const e = parsed.output;
	const problems: string[] = [];
	if (!e.S3_BUCKET)
		problems.push(
			`S3_BUCKET: it is needed when ${given.join(', ')} is set; unset them all to keep audio in DATA_DIR.`
		);
	if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined))
		problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither.');
	if (problems.length > 0 || !e.S3_BUCKET) return { ok: false, problems };
	return {
		ok: true,
		config: {
			endpoint: e.S3_ENDPOINT,
			bucket: e.S3_BUCKET,
			region: e.S3_REGION,
			credentials:
				e.S3_ACCESS_KEY_ID !== undefined && e.S3_SECRET_ACCESS_KEY !== undefined
					? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
					: undefined,
			forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true' || e.S3_FORCE_PATH_STYLE === '1'
		}
	};
}
