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
