import { describe, expect, it } from 'vitest';
import { saveLanguageChoice, switchLanguage } from './language-choice';

describe('switchLanguage', () => {
	it('reloads into the new language only after the server has the choice', async () => {
		const steps: string[] = [];
		let answer: () => void = () => {};
		const save = (language: string) =>
			new Promise<void>((resolve) => {
				steps.push(`save ${language}`);
				answer = () => {
					steps.push('saved');
					resolve();
				};
			});
		const switched = switchLanguage('es', { save, apply: (l) => steps.push(`reload ${l}`) });
		await Promise.resolve();
		expect(steps).toEqual(['save es']);
		answer();
		await switched;
		expect(steps).toEqual(['save es', 'saved', 'reload es']);
	});
});

describe('saveLanguageChoice', () => {
	it('sends the choice and waits for the answer, even a 401', async () => {
		const sent: { url: string; init?: RequestInit }[] = [];
		const fetch = async (url: string | URL | Request, init?: RequestInit) => {
			sent.push({ url: String(url), init });
			return new Response(null, { status: 401 });
		};
		await expect(saveLanguageChoice('es', { fetch })).resolves.toBeUndefined();
		expect(sent).toHaveLength(1);
		expect(sent[0]!.url).toBe('/api/me/language');
		expect(sent[0]!.init?.method).toBe('PUT');
		expect(JSON.parse(String(sent[0]!.init?.body))).toEqual({ language: 'es' });
	});

	it('gives up after the timeout when the network does not answer, so the switch still happens', async () => {
		const hang = (_url: string | URL | Request, init?: RequestInit) =>
			new Promise<Response>((_resolve, reject) =>
				init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))
			);
		const started = Date.now();
		await expect(saveLanguageChoice('en', { fetch: hang, timeoutMs: 50 })).resolves.toBeUndefined();
		expect(Date.now() - started).toBeLessThan(2000);
	});
});
