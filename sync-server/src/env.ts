import { readFileSync } from 'node:fs';
import type { webcrypto } from 'node:crypto';
import * as v from 'valibot';
import { CallAudioPreset, IceServer } from '../../src/lib/contracts/call.ts';
import { CALL_AUDIO_PRESETS } from '../../src/lib/core/call-audio.ts';
import { parseS3Config, type S3Config } from './media/s3-config.ts';
import { SealingKeyText } from './kiosk/sealing.ts';

/** Configuration, validated once at startup. Unset and empty variables fall back to defaults. */
export interface Env {
	port: number;
	host: string;
	dataDir: string;
	/** S3_*: confirmed audio in a bucket every instance reads (issue #17). Unset: files in DATA_DIR. */
	objectStorage: S3Config | undefined;
	publicUrl: string;
	/** False when PUBLIC_URL was derived from PORT, so a server on port 0 can fill in the real port. */
	publicUrlConfigured: boolean;
	staticDir: string;
	smtpUrl: string | undefined;
	mailFrom: string;
	nodeEnv: string;
	production: boolean;
	devMailbox: boolean;
	appVersion: string;
	signInLinkTtlMinutes: number;
	sessionTtlDays: number;
	bodyLimitBytes: number;
	/** Trust X-Forwarded-For for the client address (only behind a reverse proxy you run). */
	trustProxy: boolean;
	defaultCommunity: { name: string; timeZone: string };
	/** Kiosk sessions: seconds without input before the warning, and before the session ends (issue #7). */
	kioskIdle: { warningSeconds: number; endSeconds: number };
	/** STUN/TURN servers handed to the call (ICE_SERVERS, a JSON list of RTCIceServer). */
	iceServers: IceServer[];
	/** coturn's `static-auth-secret`: TURN entries without a username get short-lived credentials from it. */
	turnSecret: string | undefined;
	/** CALL_AUDIO_PRESET (issue #18): the call's audio settings for every room, for a bench run. Unset: the default. */
	callAudioPreset: CallAudioPreset | undefined;
	/** Shared live state across instances (issue #17). Unset: everything stays in this process. */
	redisUrl: string | undefined;
	/** PostgreSQL instead of SQLite in DATA_DIR (issue #17): postgres://user:password@host:port/database. */
	databaseUrl: string | undefined;
	/**
	 * KIOSK_SEALING_KEY (issue #17): the kiosk queues' private key as a JWK, one for every instance.
	 * Unset: made on first use in DATA_DIR, which only one instance reads. Never logged.
	 */
	kioskSealingKey: webcrypto.JsonWebKey | undefined;
}

export type EnvSource = Record<string, string | undefined>;

const integer = (name: string, min: number, max: number) =>
	v.pipe(
		v.string(),
		v.regex(/^\d+$/, `${name} must be a whole number.`),
		v.transform(Number),
		v.minValue(min, `${name} must be at least ${min}.`),
		v.maxValue(max, `${name} must be at most ${max}.`)
	);

const httpUrl = v.pipe(
	v.string(),
	v.url('PUBLIC_URL must be a full URL like https://conversations.example.org.'),
	v.check((u) => /^https?:$/.test(new URL(u).protocol), 'PUBLIC_URL must start with http:// or https://.'),
	v.transform((u) => u.replace(/\/+$/, ''))
);

const timeZone = v.pipe(
	v.string(),
	v.check(isTimeZone, 'DEFAULT_COMMUNITY_TZ must be an IANA time zone like America/Chicago.')
);

const EnvSchema = v.object({
	PORT: v.optional(integer('PORT', 0, 65535), '8080'),
	HOST: v.optional(v.string(), '0.0.0.0'),
	DATA_DIR: v.optional(v.string(), './data'),
	PUBLIC_URL: v.optional(httpUrl),
	STATIC_DIR: v.optional(v.string(), './build'),
	SMTP_URL: v.optional(
		v.pipe(v.string(), v.regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://.'))
	),
	MAIL_FROM: v.optional(v.string()),
	NODE_ENV: v.optional(v.string(), 'development'),
	APP_VERSION: v.optional(v.string()),
	SIGNIN_LINK_TTL_MINUTES: v.optional(integer('SIGNIN_LINK_TTL_MINUTES', 1, 60 * 24 * 30), String(60 * 24)),
	SESSION_TTL_DAYS: v.optional(integer('SESSION_TTL_DAYS', 1, 365), '30'),
	BODY_LIMIT_BYTES: v.optional(integer('BODY_LIMIT_BYTES', 1024, 16 * 1024 * 1024), String(64 * 1024)),
	TRUST_PROXY: v.optional(
		v.picklist(['true', 'false', '1', '0'], 'TRUST_PROXY must be true or false.'),
		'false'
	),
	DEFAULT_COMMUNITY_NAME: v.optional(v.pipe(v.string(), v.maxLength(100)), 'Birmingham, AL'),
	DEFAULT_COMMUNITY_TZ: v.optional(timeZone, 'America/Chicago'),
	KIOSK_IDLE_WARNING_SECONDS: v.optional(integer('KIOSK_IDLE_WARNING_SECONDS', 5, 3600), '90'),
	KIOSK_IDLE_END_SECONDS: v.optional(integer('KIOSK_IDLE_END_SECONDS', 10, 7200), '120'),
	ICE_SERVERS: v.optional(
		v.pipe(
			v.string(),
			v.parseJson(undefined, 'ICE_SERVERS must be JSON, like [{"urls":"stun:stun.example.org:3478"}].'),
			v.array(IceServer, 'ICE_SERVERS must be a JSON list of {urls, username?, credential?}.')
		),
		'[]'
	),
	TURN_SECRET: v.optional(v.string()),
	CALL_AUDIO_PRESET: v.optional(
		v.picklist(
			CALL_AUDIO_PRESETS,
			`CALL_AUDIO_PRESET must be one of ${CALL_AUDIO_PRESETS.join(', ')} (unset it for the default).`
		)
	),
	KIOSK_SEALING_KEY: v.optional(SealingKeyText),
	DATABASE_URL: v.optional(
		v.pipe(
			v.string(),
			v.check(
				(u) => URL.canParse(u) && /^postgres(ql)?:$/.test(new URL(u).protocol),
				'DATABASE_URL must be a PostgreSQL URL like postgres://user:password@db.example.org:5432/common_ground (unset it to keep SQLite in DATA_DIR).'
			)
		)
	),
	REDIS_URL: v.optional(
		v.pipe(
			v.string(),
			v.regex(
				/^rediss?:\/\/[^/]/,
				'REDIS_URL must start with redis:// or rediss://, like redis://127.0.0.1:6379.'
			),
			v.url(
				'REDIS_URL is not a URL. Write it like redis://127.0.0.1:6379 or rediss://user:password@host:6380/0.'
			)
		)
	)
});

export class EnvError extends Error {
	constructor(readonly problems: string[]) {
		super(`Configuration problem:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		this.name = 'EnvError';
	}
}

export function loadEnv(source: EnvSource = process.env): Env {
	const present = Object.fromEntries(
		Object.entries(source).filter(
			(entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''
		)
	);
	const parsed = v.safeParse(EnvSchema, present);
	const s3 = parseS3Config(present);
	if (!parsed.success || !s3.ok) {
		throw new EnvError([
			...(parsed.issues ?? []).map((i) => `${v.getDotPath(i) ?? 'environment'}: ${i.message}`),
			...(s3.ok ? [] : s3.problems)
		]);
	}
	const e = parsed.output;
	const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
	return {
		port: e.PORT,
		host: e.HOST,
		dataDir: e.DATA_DIR,
		objectStorage: s3.config,
		publicUrl,
		publicUrlConfigured: e.PUBLIC_URL !== undefined,
		staticDir: e.STATIC_DIR,
		smtpUrl: e.SMTP_URL,
		mailFrom: e.MAIL_FROM ?? `Common Ground <no-reply@${new URL(publicUrl).hostname}>`,
		nodeEnv: e.NODE_ENV,
		production: e.NODE_ENV === 'production',
		/** The development mailbox (/dev/mailbox): only in development and tests, and only for this machine. */
		devMailbox: e.NODE_ENV === 'development' || e.NODE_ENV === 'test',
		appVersion: e.APP_VERSION ?? packageVersion(),
		signInLinkTtlMinutes: e.SIGNIN_LINK_TTL_MINUTES,
		sessionTtlDays: e.SESSION_TTL_DAYS,
		bodyLimitBytes: e.BODY_LIMIT_BYTES,
		trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
		defaultCommunity: { name: e.DEFAULT_COMMUNITY_NAME, timeZone: e.DEFAULT_COMMUNITY_TZ },
		kioskIdle: {
			warningSeconds: e.KIOSK_IDLE_WARNING_SECONDS,
			// The end always comes after the warning, whatever was configured.
			endSeconds: Math.max(e.KIOSK_IDLE_END_SECONDS, e.KIOSK_IDLE_WARNING_SECONDS + 5)
		},
		iceServers: e.ICE_SERVERS,
		turnSecret: e.TURN_SECRET,
		callAudioPreset: e.CALL_AUDIO_PRESET,
		databaseUrl: e.DATABASE_URL,
		redisUrl: e.REDIS_URL,
		kioskSealingKey: e.KIOSK_SEALING_KEY
	};
}

/** The same Env with PUBLIC_URL pointing at the port actually bound (for servers started on port 0). */
export function withBoundPort(env: Env, port: number): Env {
	if (env.publicUrlConfigured) return { ...env, port };
	return { ...env, port, publicUrl: `http://localhost:${port}` };
}

export function isTimeZone(value: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: value });
		return true;
	} catch {
		return false;
	}
}

function packageVersion(): string {
	const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
	const parsed = v.parse(v.object({ version: v.string() }), JSON.parse(text));
	return parsed.version;
}
