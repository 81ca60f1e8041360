import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv, withBoundPort } from './env.ts';

describe('loadEnv', () => {
	it('has defaults for a fresh `npm start`', () => {
		const env = loadEnv({});
		expect(env).toMatchObject({
			port: 8080,
			host: '0.0.0.0',
			dataDir: './data',
			publicUrl: 'http://localhost:8080',
			staticDir: './build',
			smtpUrl: undefined,
			mailFrom: 'Common Ground <no-reply@localhost>',
			production: false,
			signInLinkTtlMinutes: 1440,
			sessionTtlDays: 30,
			bodyLimitBytes: 65536,
			trustProxy: false,
			defaultCommunity: { name: 'Birmingham, AL', timeZone: 'America/Chicago' }
		});
		expect(env.appVersion).toMatch(/^\d+\.\d+\.\d+/);
	});

	it('reads and converts variables, ignoring empty ones', () => {
		const env = loadEnv({
			PORT: '3000',
			PUBLIC_URL: 'https://talk.example.org/',
			NODE_ENV: 'production',
			SMTP_URL: 'smtps://user:pass@mail.example.org',
			SESSION_TTL_DAYS: '',
			DEFAULT_COMMUNITY_TZ: 'America/Denver'
		});
		expect(env).toMatchObject({
			port: 3000,
			publicUrl: 'https://talk.example.org',
			production: true,
			sessionTtlDays: 30,
			mailFrom: 'Common Ground <no-reply@talk.example.org>',
			defaultCommunity: { timeZone: 'America/Denver' }
		});
	});

	it('lists every problem at once', () => {
		try {
			loadEnv({ PORT: 'eighty', PUBLIC_URL: 'ftp://x', DEFAULT_COMMUNITY_TZ: 'Mars/Olympus' });
			expect.unreachable();
		} catch (error) {
			expect(error).toBeInstanceOf(EnvError);
			const { problems } = error as EnvError;
			expect(problems.join('\n')).toMatch(/PORT/);
			expect(problems.join('\n')).toMatch(/PUBLIC_URL/);
			expect(problems.join('\n')).toMatch(/DEFAULT_COMMUNITY_TZ/);
		}
	});

	it('withBoundPort fills in the real port only when PUBLIC_URL was derived', () => {
		expect(withBoundPort(loadEnv({ PORT: '0' }), 41234).publicUrl).toBe('http://localhost:41234');
		expect(withBoundPort(loadEnv({ PORT: '0', PUBLIC_URL: 'https://a.example' }), 41234).publicUrl).toBe(
			'https://a.example'
		);
	});
});

describe('REDIS_URL (issue #17)', () => {
	it('is unset by default, so live state stays in this process', () => {
		expect(loadEnv({}).redisUrl).toBeUndefined();
	});

	it('takes redis:// and rediss:// URLs', () => {
		expect(loadEnv({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
		expect(loadEnv({ REDIS_URL: 'rediss://u:secret@cache.example.org:6380/2' }).redisUrl).toBe(
			'rediss://u:secret@cache.example.org:6380/2'
		);
	});

	it('refuses another scheme with a message that shows the form, never the value', () => {
		try {
			loadEnv({ REDIS_URL: 'http://user:hunter2@cache.example.org' });
			expect.unreachable();
		} catch (error) {
			const text = (error as EnvError).problems.join('\n');
			expect(text).toMatch(/REDIS_URL must start with redis:\/\/ or rediss:\/\//);
			expect(text).not.toMatch(/hunter2/);
		}
	});
});

describe('DATABASE_URL (issue #17)', () => {
	it('is unset by default, so the store is SQLite in DATA_DIR', () => {
		expect(loadEnv({}).databaseUrl).toBeUndefined();
	});

	it('takes postgres:// and postgresql:// URLs', () => {
		for (const url of ['postgres://cg:pw@db.example.org:5432/cg', 'postgresql://cg@localhost/cg']) {
			expect(loadEnv({ DATABASE_URL: url }).databaseUrl).toBe(url);
		}
	});

	it('refuses anything else with a message that shows the form, never the value', () => {
		for (const url of ['mysql://cg:hunter2@db.example.org/cg', 'not a url hunter2']) {
			try {
				loadEnv({ DATABASE_URL: url });
				expect.unreachable();
			} catch (error) {
				const text = (error as EnvError).problems.join('\n');
				expect(text).toMatch(/DATABASE_URL must be a PostgreSQL URL like postgres:\/\//);
				expect(text).not.toMatch(/hunter2/);
			}
		}
	});
});

describe('CALL_AUDIO_PRESET (issue #18)', () => {
	it('is unset by default, so rooms get the default audio settings', () => {
		expect(loadEnv({}).callAudioPreset).toBeUndefined();
	});

	it('takes a preset by name', () => {
		expect(loadEnv({ CALL_AUDIO_PRESET: 'red' }).callAudioPreset).toBe('red');
		expect(loadEnv({ CALL_AUDIO_PRESET: 'ptime-60' }).callAudioPreset).toBe('ptime-60');
	});

	it('refuses a name it does not know, listing the ones it does', () => {
		expect(() => loadEnv({ CALL_AUDIO_PRESET: 'opus-max' })).toThrow(
			/CALL_AUDIO_PRESET must be one of fec-dtx, plain, fec, dtx, red, ptime-60, adaptive \(unset it for the default\)/
		);
	});
});
