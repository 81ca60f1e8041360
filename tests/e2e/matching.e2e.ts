import type { Page, Response } from '@playwright/test';
import { expectNoAxeViolations } from './a11y';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';

type Mail = { to: string; subject: string; attachments: { filename: string; content: string }[] };
type Person = { id: string; first_name: string; last_name: string; email: string; phone: string };

/** Every /api response body the page receives, to search for what a partner must never see. */
function recordApiBodies(page: Page): string[] {
	const bodies: string[] = [];
	page.on('response', (response: Response) => {
		if (!new URL(response.url()).pathname.startsWith('/api/')) return;
		void response.text().then(
			(text) => bodies.push(text),
			() => {}
		);
	});
	return bodies;
}

test('issue #3 journey: the coordinator matches, both partners meet on paper, agree a time and get invites', async ({
	browser,
	app
}) => {
	test.setTimeout(240_000);
	const demo = seedDemo(app);

	// 1. The coordinator runs matching on the demo data and approves it.
	const coordinator = await (await browser.newContext()).newPage();
	await coordinator.goto(demo.coordinator.signInUrl);
	await coordinator.getByRole('link', { name: 'Open the coordinator console' }).click();
	await coordinator.getByRole('button', { name: 'Preview a matching run' }).click();
	await expect(coordinator.getByTestId('proposed-pair').first()).toBeVisible();
	await expect(coordinator.getByTestId('run-summary')).toContainText('pairs proposed');
	await expectNoAxeViolations(coordinator, 'coordinator console with a run preview');
	await coordinator.getByRole('button', { name: /^Approve \d+ pairs$/ }).click();
	await expect(coordinator.getByRole('status').filter({ hasText: 'pairs made' })).toBeVisible();

	// The first pair the run made, and what each of the two must never learn about the other.
	const [pair] = app.query<{ a: string; b: string }>(
		"select participant_a_id as a, participant_b_id as b from conversations where matching_run_id is not null and status = 'proposed' order by created_at limit 1"
	);
	if (!pair) throw new Error('The run made no pair on the demo data.');
	const person = (id: string) =>
		app.query<Person>('select id, first_name, last_name, email, phone from users where id = ?', id)[0]!;
	const [a, b] = [person(pair.a), person(pair.b)];
	const link = (p: Person) => demo.participants.find((x) => x.id === p.id)!.signInUrl;

	// 2. Each sees the other's first name and autobiography, and nothing else, on the page or in any API response.
	const open = async (me: Person) => {
		const page = await (await browser.newContext()).newPage();
		const bodies = recordApiBodies(page);
		await page.goto(link(me));
		await page.getByRole('link', { name: 'See your conversation' }).click();
		return { page, bodies };
	};
	const pa = await open(a);
	const pb = await open(b);
	for (const [{ page }, partner] of [
		[pa, b],
		[pb, a]
	] as const) {
		const card = page.getByTestId('partner-card');
		await expect(card.getByRole('heading', { name: `Meet ${partner.first_name}` })).toBeVisible();
		const autobiography = app.query<{ autobiography: string }>(
			'select autobiography from participants where user_id = ?',
			partner.id
		)[0]!.autobiography;
		await expect(page.getByTestId('partner-autobiography')).toHaveText(autobiography);
	}
	await expectNoAxeViolations(pa.page, 'partner profile');

	// 3. Both accept, and agree on a time: one picks, the other confirms.
	await pa.page.getByRole('button', { name: 'Accept', exact: true }).click();
	await expect(pa.page.getByText(`Waiting for ${b.first_name} to answer`)).toBeVisible();
	await pb.page.getByRole('button', { name: 'Accept', exact: true }).click();
	await expect(pb.page.getByRole('heading', { name: 'Pick a time together' })).toBeVisible();
	await expect(pa.page.getByRole('heading', { name: 'Pick a time together' })).toBeVisible();
	const times = pb.page.getByRole('group', { name: /Times you are both free/ }).getByRole('button');
	await times.first().click();
	await expect(pb.page.getByText(/You proposed/)).toBeVisible();
	// The chosen time looks chosen (issue #14), to the eye as well as to a screen reader.
	await expect(times.first()).toHaveAttribute('aria-pressed', 'true');
	await expect(times.nth(1)).toHaveAttribute('aria-pressed', 'false');
	const fill = (i: number) => times.nth(i).evaluate((el) => getComputedStyle(el).backgroundColor);
	expect(await fill(0)).not.toBe(await fill(1));
	await pb.page.screenshot({ path: test.info().outputPath('chosen-time.png'), fullPage: true });
	// No reload from here on (issue #14): each page hears of the other's step through /api/events.
	await pa.page.getByRole('button', { name: 'Confirm this time' }).click();
	await expect(pa.page.getByTestId('agreed-time')).toContainText('We agreed on a time');
	await expect(pb.page.getByTestId('agreed-time')).toContainText('We agreed on a time');
	await expectNoAxeViolations(pa.page, 'agreed time');

	for (const [{ page, bodies }, partner] of [
		[pa, b],
		[pb, a]
	] as const) {
		const secrets = [partner.last_name, partner.email, partner.phone, partner.phone.replace(/\D/g, '')];
		const text = (await page.content()) + bodies.join('\n');
		expect(bodies.length).toBeGreaterThan(3);
		for (const secret of secrets)
			expect(text, `the page or an API response shows "${secret}"`).not.toContain(secret);
	}

	// 4. Both .ics invites are in the mailbox, each with the room link.
	const conversationId = app.query<{ id: string }>(
		'select id from conversations where participant_a_id = ? and participant_b_id = ?',
		pair.a,
		pair.b
	)[0]!.id;
	for (const p of [a, b]) {
		await expect
			.poll(async () => {
				const mail = (await (
					await fetch(`${app.url}/api/dev/mailbox?to=${encodeURIComponent(p.email)}`)
				).json()) as Mail[];
				const invite = mail.find((m) => m.attachments.some((x) => x.filename.endsWith('.ics')));
				return invite?.attachments[0]?.content.replace(/\r\n[ \t]/g, '') ?? '';
			})
			.toContain(`${app.url}/conversations/${conversationId}/room`);
	}

	// 5. The talk happens and Stop says it is recorded (issue #14; the call journeys press the real
	// Stop). Both open pages show what comes next without a reload: no more scheduling or cancel.
	const stopped = await pb.page.evaluate(
		async (id) =>
			(
				await fetch(`/api/conversations/${id}/recorded`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ durationMs: 40 * 60_000 })
				})
			).status,
		conversationId
	);
	expect(stopped).toBe(200);
	for (const { page } of [pa, pb]) {
		await expect(page.getByTestId('recorded-next')).toBeVisible();
		await expect(page.getByRole('button', { name: 'Cancel the conversation' })).toHaveCount(0);
		await expect(page.getByTestId('agreed-time')).toHaveCount(0);
	}
	await expectNoAxeViolations(pa.page, 'a recorded conversation');
	// The coordinator's open console counts it too, without a reload.
	await expect(coordinator.getByTestId('calendar-recorded')).toContainText(a.first_name);

	// Home names the same next step; the header leads to the conversations, and out.
	await pa.page.getByRole('link', { name: 'Home' }).click();
	await expect(pa.page.getByTestId('next-step')).toHaveAttribute('data-step', 'after_recording');
	await expect(pa.page.getByRole('link', { name: 'Sign up' })).toHaveCount(0);
	await pa.page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'My conversations' })
		.click();
	await expect(pa.page.getByTestId('recorded-next')).toBeVisible();
	await pa.page.getByRole('button', { name: 'Sign out' }).click();
	await expect(pa.page.getByTestId('signed-out')).toBeVisible();
	await expect(pa.page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
	await pa.page.goto(`${app.url}/conversation`);
	await expect(pa.page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();
	await pa.page.goto(`${app.url}/no/such/page`);
	await expect(pa.page.getByTestId('error-page')).toHaveAttribute('data-status', '404');
	await expect(pa.page.getByRole('link', { name: 'Go to the home page' })).toBeVisible();
});

test('orientation: the ground rules and a tech check with the fake microphone, then the person is in the pool', async ({
	browser,
	app
}) => {
	const demo = seedDemo(app);
	// Demo participants 4, 9, 14… have not done the orientation yet.
	const newcomer = demo.participants[4]!;
	const page = await (await browser.newContext({ permissions: ['microphone'] })).newPage();
	await page.goto(newcomer.signInUrl);
	// The home page names the step a newcomer is at (issue #14): the orientation comes first.
	await expect(page.getByTestId('next-step')).toHaveAttribute('data-step', 'orientation');
	await page.getByRole('link', { name: 'Start the orientation' }).click();
	await expect(page.getByRole('heading', { name: 'Ground rules' })).toBeVisible();
	await expect(page.getByText('It is not a debate.')).toBeVisible();
	await page.getByRole('button', { name: 'Test my microphone' }).click();
	await expect(page.getByText('Your microphone works.')).toBeVisible({ timeout: 20_000 });
	await expectNoAxeViolations(page, 'orientation');
	await page.getByLabel(/I agree to the ground rules/).check();
	await page.getByRole('button', { name: 'I am ready to be matched' }).click();
	await expect(page.getByTestId('waiting')).toBeVisible();
	const [row] = app.query<{ oriented_at: string | null }>(
		'select oriented_at from participants where user_id = ?',
		newcomer.id
	);
	expect(row?.oriented_at).toBeTruthy();
});

test('partner staff see their organization’s funnel and can export it as CSV', async ({ browser, app }) => {
	const demo = seedDemo(app);
	const page = await (await browser.newContext()).newPage();
	await page.goto(demo.partnerStaff[0]!.signInUrl);
	await page.getByRole('link', { name: "See your organization's people" }).click();
	await expect(page.getByRole('heading', { name: 'Partner organization dashboard' })).toBeVisible();
	await expect(page.getByRole('table')).toContainText('Signed up');
	await expectNoAxeViolations(page, 'partner dashboard');
	const download = page.waitForEvent('download');
	await page.getByRole('link', { name: 'Download as CSV' }).click();
	const csv = await (await download).path();
	expect(csv).toBeTruthy();
});
