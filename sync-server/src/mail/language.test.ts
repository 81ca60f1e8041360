import { afterEach, describe, expect, it } from 'vitest';
import type { MailboxEntry } from '../../../src/lib/contracts/dev.ts';
import type { MyMatching, RunPreview, Slots } from '../../../src/lib/contracts/matching.ts';
import { signupMutation } from '../test/factories.ts';
import { createTestApp, signInAs, testClock, type TestApp } from '../test/harness.ts';
import { json, participant } from '../test/matching-fixtures.ts';

// Issue #8: emails and the .ics text go out in the language each person chose at sign-up.
let t: TestApp;
afterEach(() => t.close());

const mailbox = async (to: string) =>
	json<MailboxEntry[]>(await t.request(`/api/dev/mailbox?to=${encodeURIComponent(to)}`));
/** iCalendar folds long lines at 75 octets (and escapes commas); unfold before searching. */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '').replace(/\\,/g, ',');

describe('emails in the recipient’s language', () => {
	it('sign-up and sign-in emails follow the language chosen in the sign-up form', async () => {
		t = await createTestApp();
		for (const [uiLanguage, welcome, link] of [
			['es', 'Le damos la bienvenida a Common Ground', 'Su enlace para entrar a Common Ground'],
			['en', 'Welcome to Common Ground', 'Your Common Ground sign-in link']
		] as const) {
			const email = `lang.${uiLanguage}.${crypto.randomUUID()}@example.org`;
			const res = await t.request('/api/mutations', {
				body: signupMutation({ communityId: t.community.id, email, uiLanguage })
			});
			expect(res.status).toBe(201);
			expect((await t.request('/api/auth/email-link', { body: { email } })).status).toBe(202);
			// Queued just after the answer (routes/auth.ts): wait for it.
			await expect.poll(async () => (await mailbox(email)).length).toBe(2);
			const mail = await mailbox(email);
			expect(mail.map((m) => m.subject).sort()).toEqual(
				[expect.stringContaining(welcome), link].sort() as string[]
			);
			const text = mail.map((m) => m.text).join('\n');
			expect(text).toContain(uiLanguage === 'es' ? '1 día' : '1 day');
			expect(text).toContain(uiLanguage === 'es' ? 'Su código personal es' : 'Your personal code is');
		}
	});

	it('a person who switches the app’s language gets the next emails in it', async () => {
		t = await createTestApp();
		const rosa = await participant(t, { uiLanguage: 'en' });
		const choose = (body: unknown, cookie?: string) =>
			t.request('/api/me/language', { method: 'PUT', body, cookie });
		expect((await choose({ language: 'es' })).status).toBe(401);
		expect((await choose({ language: 'fr' }, rosa.cookie)).status).toBe(400);
		expect((await choose({ language: 'es' }, rosa.cookie)).status).toBe(204);
		await t.request('/api/auth/email-link', { body: { email: rosa.answers.email } });
		await expect
			.poll(async () => (await mailbox(rosa.answers.email))[0]?.subject)
			.toBe('Su enlace para entrar a Common Ground');
	});

	it('match, invite, .ics and reminders: Spanish for Rosa, English for Tom, in one conversation', async () => {
		const time = testClock(new Date('2026-11-02T15:00:00Z'));
		t = await createTestApp({ clock: time.clock });
		const rosa = await participant(t, {
			firstName: 'Rosa',
			lastName: 'Delgado',
			phone: '(205) 555-0101',
			politicalPlacement: 2,
			interests: ['gardening', 'jazz'],
			availability: [{ day: 'tue', start: '18:00', end: '21:00' }],
			uiLanguage: 'es'
		});
		const tom = await participant(t, {
			firstName: 'Tom',
			lastName: 'Walker',
			phone: '(205) 555-0202',
			politicalPlacement: 6,
			interests: ['gardening', 'fishing'],
			availability: [{ day: 'tue', start: '17:00', end: '20:00' }],
			uiLanguage: 'en'
		});
		const coordinator = await signInAs(t, 'coordinator');
		const preview = await json<RunPreview>(
			await t.request(`/api/coordinator/communities/${t.community.id}/runs`, {
				method: 'POST',
				body: {},
				cookie: coordinator
			})
		);
		await t.request(`/api/coordinator/runs/${preview.runId}/approve`, {
			body: { pairs: preview.pairs.map((p) => ({ a: p.a.id, b: p.b.id })) },
			cookie: coordinator
		});
		const { conversations } = await json<MyMatching>(
			await t.request('/api/conversations/mine', { cookie: rosa.cookie })
		);
		const id = conversations[0]!.id;
		const post = (cookie: string, path: string, body: unknown = {}) =>
			t.request(`/api/conversations/${id}/${path}`, { cookie, body });
		await post(tom.cookie, 'accept'); // Rosa hears of it: Spanish.
		await post(rosa.cookie, 'accept'); // Tom hears of it: English.
		const { slots } = await json<Slots>(
			await t.request(`/api/conversations/${id}/slots`, { cookie: rosa.cookie })
		);
		await post(tom.cookie, 'time', { start: slots[0] }); // Rosa hears of it: Spanish.
		await post(rosa.cookie, 'time', { start: slots[0] });

		const rosaMail = await mailbox(rosa.answers.email);
		expect(rosaMail).toHaveLength(6);
		expect(rosaMail.map((m) => m.subject)).toEqual(
			expect.arrayContaining([
				'Encontramos a alguien para su conversación',
				'Novedades sobre su conversación de Common Ground', // Tom accepted
				'Novedades sobre su conversación de Common Ground', // Tom picked a time
				expect.stringMatching(/^Su conversación con Tom: martes, 3 de noviembre.* 6:00\sp\.\s?m\./),
				'Recordatorio: su conversación con Tom es en 24 horas',
				'Recordatorio: su conversación con Tom es en 1 hora'
			])
		);
		expect(rosaMail.map((m) => m.text).join('\n')).toContain('Tom eligió una hora para su conversación.');
		// Issue #14: «pareja» reads as a romantic partner.
		expect(rosaMail.map((m) => `${m.subject}\n${m.text}`).join('\n')).not.toMatch(/pareja/i);
		const rosaIcs = unfold(rosaMail.find((m) => m.attachments.length > 0)!.attachments[0]!.content);
		expect(rosaIcs).toContain('SUMMARY:Conversación de Common Ground con Tom');
		expect(rosaIcs).toContain('DESCRIPTION:A la hora acordada, abra la sala de conversación:');

		const tomMail = await mailbox(tom.answers.email);
		expect(tomMail).toHaveLength(5);
		expect(tomMail.map((m) => m.subject)).toEqual(
			expect.arrayContaining([
				'You have a conversation partner',
				'News about your Common Ground conversation',
				expect.stringMatching(/^Your conversation with Rosa: Tuesday, November 3.* 6:00\sPM/),
				'Reminder: your conversation with Rosa is in 24 hours',
				'Reminder: your conversation with Rosa is in 1 hour'
			])
		);
		const tomIcs = unfold(tomMail.find((m) => m.attachments.length > 0)!.attachments[0]!.content);
		expect(tomIcs).toContain('SUMMARY:Common Ground conversation with Rosa');

		// The downloadable invite speaks the language of whoever downloads it.
		const download = await (
			await t.request(`/api/conversations/${id}/invite.ics`, { cookie: rosa.cookie })
		).text();
		expect(unfold(download)).toContain('SUMMARY:Conversación de Common Ground con Tom');
	});
});
