import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from '@playwright/test';
import { joinRoom, launchWithMic, signIn, stopRecording, waitForElapsed } from './call-helpers';
import { seedDemo } from './demo';
import { expect, test } from './fixtures';
import { fillFirstHalf, fillSecondHalf, person } from './questionnaire';
import type { AppServer } from './server';
import { speechWav } from './speech';

// Issue #14: the whole lifecycle, with four screens open side by side: Rosa (signs up through a
// partner organization's invite link), Ben (a demo participant waiting for a match), the coordinator,
// and the staff member of Rosa's partner organization. The participants' pages and the partner's
// dashboard are never reloaded: what the others did arrives through the push channel (/api/events).
// No trace: its screencast competes with the real-time audio threads (see call.e2e.ts).
test.use({ trace: 'off' });

const QUESTION = 'What does a good neighbor do?';

test.describe('the lifecycle', () => {
	const browsers: Browser[] = [];
	test.afterEach(async () => {
		for (const b of browsers.splice(0)) await b.close();
	});

	test('sign-up → orientation → match → accept → schedule → questions → record → consent → copy → archive package', async ({
		app,
		browser
	}) => {
		test.setTimeout(300_000);
		const demo = seedDemo(app);
		const staffInfo = demo.partnerStaff[0]!;
		const organization = demo.partnerOrganizations.find((o) => o.name === staffInfo.organizationName)!;
		// Demo participant 2 has done the orientation and is not in the demo conversation: waiting.
		const benInfo = demo.participants[2]!;
		const benName = fullName(app, benInfo.id);
		const who = person();
		const rosaName = `${who.firstName} ${who.lastName}`;

		// Each participant in their own browser, with their own voice on the fake microphone.
		const rosa = await micPage(browsers, 'ada');
		const ben = await micPage(browsers, 'ben');
		const coordinator = await (await browser.newContext()).newPage();
		const staff = await (await browser.newContext()).newPage();
		await signIn(ben, benInfo.signInUrl);
		await signIn(coordinator, demo.coordinator.signInUrl);
		await signIn(staff, staffInfo.signInUrl);
		await staff.getByRole('link', { name: "See your organization's people" }).click();
		await expect(staff.getByRole('heading', { name: 'Partner organization dashboard' })).toBeVisible();
		await expect(staffPerson(staff, rosaName)).toHaveCount(0);
		const recordedBefore = Number(await staffRecorded(staff, organization.name).textContent());
		// A mark on the dashboard's window: a reload would wipe it.
		await staff.evaluate(() => ((window as { notReloaded?: boolean }).notReloaded = true));

		// 1. Sign-up: Rosa follows the organization's invite link through the real questionnaire,
		// free all week so that she and Ben share times, then signs in with her personal code.
		await rosa.goto(organization.inviteUrl);
		await expect(rosa).toHaveURL(/\/signup$/);
		await rosa.getByLabel('Your community').selectOption({ label: 'Birmingham, AL' });
		await fillFirstHalf(rosa, who);
		await fillSecondHalf(rosa, who, { freeAllWeek: true });
		const code = (await rosa.getByTestId('personal-code').textContent()) ?? '';
		expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
		await rosa.goto(`${app.url}/signin`);
		await rosa.getByLabel('Personal code').fill(code);
		await rosa.getByRole('button', { name: 'Sign in' }).click();
		await expect(rosa.getByTestId('signed-in')).toContainText(`Signed in as ${who.firstName}`);
		await expect(rosa.getByTestId('next-step')).toHaveAttribute('data-step', 'orientation');
		// The partner's open dashboard hears of her sign-up through its invite link, and each stage after.
		await expectStaffSees(staff, rosaName, 'Signed up');

		// 2. Orientation: ground rules and the microphone check; then she waits for a match.
		await rosa.getByRole('link', { name: 'Start the orientation' }).click();
		await expect(rosa.getByRole('heading', { name: 'Ground rules' })).toBeVisible();
		await rosa.getByRole('button', { name: 'Test my microphone' }).click();
		await expect(rosa.getByText('Your microphone works.')).toBeVisible({ timeout: 20_000 });
		await rosa.getByLabel(/I agree to the ground rules/).check();
		await rosa.getByRole('button', { name: 'I am ready to be matched' }).click();
		await expect(rosa.getByTestId('waiting')).toBeVisible();
		await expect(ben.getByTestId('next-step')).toHaveAttribute('data-step', 'wait_for_match');
		await expectStaffSees(staff, rosaName, 'Oriented');

		// 3. Match: the coordinator (console opened now, after Rosa's orientation) pairs the two by hand.
		await coordinator.getByRole('link', { name: 'Open the coordinator console' }).click();
		await expect(coordinator.getByRole('row').filter({ hasText: rosaName })).toContainText(
			'waiting for a match'
		);
		await coordinator.getByLabel('First person').selectOption({ label: rosaName });
		await coordinator.getByLabel('Second person').selectOption({ label: benName });
		await coordinator.getByRole('button', { name: 'Pair them' }).click();
		await expect(coordinator.getByRole('status').filter({ hasText: 'They are paired' })).toBeVisible();
		// Both open pages hear of it: Rosa's conversation page, Ben's home page.
		await expect(
			rosa.getByTestId('partner-card').getByRole('heading', { name: `Meet ${benInfo.firstName}` })
		).toBeVisible();
		await expect(ben.getByTestId('next-step')).toHaveAttribute('data-step', 'accept');

		// 4. Accept: Rosa first, then Ben (from his home page's next step).
		await rosa.getByRole('button', { name: 'Accept', exact: true }).click();
		await expect(rosa.getByText(`Waiting for ${benInfo.firstName} to answer`)).toBeVisible();
		await expect(ben.getByTestId('next-step')).toHaveAttribute('data-step', 'accept');
		await ben.getByTestId('next-step').getByRole('link').click();
		await expect(
			ben.getByTestId('partner-card').getByRole('heading', { name: `Meet ${who.firstName}` })
		).toBeVisible();
		await ben.getByRole('button', { name: 'Accept', exact: true }).click();
		for (const page of [rosa, ben]) {
			await expect(page.getByRole('heading', { name: 'Pick a time together' })).toBeVisible();
		}
		await expectStaffSees(staff, rosaName, 'Matched');

		// 5. Schedule: Ben picks a time, Rosa confirms it.
		await ben
			.getByRole('group', { name: /Times you are both free/ })
			.getByRole('button')
			.first()
			.click();
		await expect(ben.getByText(/You proposed/)).toBeVisible();
		await expect(rosa.getByText(new RegExp(`${benInfo.firstName} proposed`))).toBeVisible();
		await rosa.getByRole('button', { name: 'Confirm this time' }).click();
		for (const page of [rosa, ben]) {
			await expect(page.getByTestId('agreed-time')).toContainText('We agreed on a time');
		}
		await expectStaffSees(staff, rosaName, 'Scheduled');
		// The coordinator's open console follows the push channel too: the agreed time shows by itself.
		await expect(coordinator.getByTestId('calendar-entry').filter({ hasText: rosaName })).toContainText(
			benInfo.firstName
		);
		const conversationId = app.query<{ id: string }>(
			"select id from conversations where status = 'scheduled' and (participant_a_id = ? or participant_b_id = ?)",
			benInfo.id,
			benInfo.id
		)[0]!.id;

		// 6. Questions: Rosa proposes one, both approve its wording.
		for (const page of [rosa, ben]) {
			await page.getByRole('link', { name: 'Agree on your questions together' }).click();
			await expect(page.getByTestId('questions-sync-status')).toHaveText(/Synced/);
		}
		await rosa.getByLabel('Your question').fill(QUESTION);
		await rosa.getByRole('button', { name: 'Add question' }).click();
		for (const page of [ben, rosa]) {
			await page
				.getByTestId('question')
				.filter({ hasText: QUESTION })
				.getByLabel('I approve this wording')
				.check();
		}
		for (const page of [rosa, ben]) {
			await expect(page.getByTestId('agreed-count')).toHaveText('1 of 1 questions agreed');
			await expect(page.getByTestId('questions-sync-status')).toHaveText(/Synced/);
		}

		// 7. Record: both join the room, hear each other, press ready; Rosa stops after ~10 s.
		for (const page of [rosa, ben]) {
			await page
				.getByRole('navigation', { name: 'Main' })
				.getByRole('link', { name: 'My conversations' })
				.click();
			await page.getByRole('link', { name: 'Open the conversation room' }).click();
			await joinRoom(page, undefined);
		}
		for (const page of [rosa, ben]) {
			const partner = page.getByTestId('member');
			await expect(partner).toHaveAttribute('data-link', 'connected', { timeout: 30_000 });
			await expect(partner).toHaveAttribute('data-hearing', 'true', { timeout: 30_000 });
			await expect(page.getByTestId('prompts-source')).toHaveAttribute('data-from-list', 'true');
		}
		await rosa.getByRole('button', { name: 'I’m ready to record' }).click();
		await expect(ben.getByText(`${who.firstName} is ready.`)).toBeVisible();
		await ben.getByRole('button', { name: 'I’m ready to record' }).click();
		for (const page of [rosa, ben]) {
			await expect(page.getByTestId('recording-state')).toHaveAttribute('data-state', 'recording');
		}
		await waitForElapsed(rosa, 10_000);
		await stopRecording(rosa);

		// 8. Recorded: both rooms say so and lead on; the server has it recorded at once.
		for (const page of [rosa, ben]) {
			await expect(page.getByTestId('recording-state')).toHaveAttribute('data-state', 'stopped');
			await expect(page.getByTestId('after-stop')).toBeVisible();
		}
		await expect.poll(() => conversationStatus(app, conversationId)).toBe('recorded');
		// Ben looks at his conversations first; Rosa goes straight on from the room.
		await ben
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'My conversations' })
			.click();
		await expect(ben.getByTestId('recorded-next')).toBeVisible();
		await expect(ben.getByTestId('agreed-time')).toHaveCount(0);
		await ben.getByRole('link', { name: 'Next: choose what happens with the recording' }).click();
		await rosa
			.getByTestId('after-stop')
			.getByRole('link', { name: 'Next: choose what happens with the recording' })
			.click({ timeout: 60_000 });
		await expectStaffSees(staff, rosaName, 'Recorded');
		await expect(staffRecorded(staff, organization.name)).toHaveText(String(recordedBefore + 1));
		expect(await staff.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);

		// 9. Consent: Rosa says yes to both (and writes part of the archive's description); Ben sees her answers
		// arrive on his open page, then says yes to both.
		for (const page of [rosa, ben]) await expect(page.getByTestId('consent-copy')).toBeVisible();
		await consent(rosa, {
			title: 'A school-bus driver and her neighbor',
			summary: 'Two neighbours talk about what a good neighbor does.'
		});
		await expect(ben.getByTestId('sharing-A copy for both of you')).toHaveText('Please make your choice.');
		// The description is written by both: Ben's form shows Rosa's words as they arrive, he adds
		// the keywords and the place, and Rosa's open form shows his.
		await consent(ben, { keywords: 'neighbors, work', place: 'Birmingham, AL' });
		const benForm = ben.getByTestId('archive-description');
		await expect(benForm.getByLabel('Title')).toHaveValue('A school-bus driver and her neighbor');
		await expect(benForm.getByTestId('archive-description-by')).toHaveText('Last changed by you.');
		const rosaForm = rosa.getByTestId('archive-description');
		await expect(rosaForm.getByLabel('Place')).toHaveValue('Birmingham, AL');
		await expect(rosaForm.getByLabel('Keywords')).toHaveValue('neighbors, work');
		await expect(rosaForm.getByTestId('archive-description-by')).toHaveText(
			`Last changed by ${benInfo.firstName}.`
		);
		for (const page of [rosa, ben]) {
			// Within the 10 s expect timeout, so the page's 30 s look cannot stand in for the push.
			await expect(page.getByTestId('sharing-A copy for both of you')).toHaveText('You both said yes.');
			await expect(page.getByTestId('sharing-The public archive')).toHaveText('You both said yes.');
		}

		// 10. Copy: both tracks go up, the copy is mixed, shows up on both open pages, and plays.
		for (const page of [rosa, ben]) {
			await expect(page.getByTestId('upload-share')).toHaveAttribute('data-stage', 'confirmed', {
				timeout: 180_000
			});
		}
		for (const page of [rosa, ben]) {
			await expect(page.getByTestId('copy-link')).toBeVisible({ timeout: 120_000 });
			await expectCopyPlays(page);
		}
		// The copy is about as long as the ~10 s recorded (not the 60 s of the other journeys).
		const [copy] = app.query<{ duration_ms: number }>(
			'select duration_ms from conversation_copies where conversation_id = ?',
			conversationId
		);
		expect(copy?.duration_ms).toBeGreaterThan(8_000);
		expect(copy?.duration_ms).toBeLessThan(30_000);

		// 11. Archive package: once both masters are up, the coordinator downloads the BagIt zip.
		for (const page of [rosa, ben]) {
			await expect(page.getByTestId('upload-master')).toHaveAttribute('data-stage', 'confirmed', {
				timeout: 180_000
			});
		}
		const zip = await downloadArchivePackage(coordinator, app, conversationId);
		expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
		expect(zip.includes(Buffer.from('bagit.txt'))).toBe(true);
		// Its description holds both partners' parts.
		const files = unzipSync(new Uint8Array(zip));
		const metadataPath = Object.keys(files).find((name) => name.endsWith('data/metadata/metadata.json'));
		expect(JSON.parse(Buffer.from(files[metadataPath ?? '']!).toString('utf8'))).toMatchObject({
			title: 'A school-bus driver and her neighbor',
			summary: 'Two neighbours talk about what a good neighbor does.',
			keywords: ['neighbors', 'work'],
			place: 'Birmingham, AL'
		});
	});
});

// ——— helpers ———

async function micPage(browsers: Browser[], voice: 'ada' | 'ben'): Promise<Page> {
	const browser = await launchWithMic(speechWav(voice));
	browsers.push(browser);
	return (await browser.newContext()).newPage();
}

function fullName(app: AppServer, userId: string): string {
	const [row] = app.query<{ first_name: string; last_name: string }>(
		'select first_name, last_name from users where id = ?',
		userId
	);
	return `${row!.first_name} ${row!.last_name}`;
}

function conversationStatus(app: AppServer, id: string) {
	return app.query<{ status: string }>('select status from conversations where id = ?', id)[0]?.status;
}

function staffPerson(staff: Page, name: string) {
	return staff.getByRole('region', { name: 'Your people' }).getByRole('listitem').filter({ hasText: name });
}

/** The partner dashboard, never reloaded: the push channel brings the person's new stage. */
async function expectStaffSees(staff: Page, name: string, stage: string) {
	await expect(staffPerson(staff, name)).toHaveText(`${name}: ${stage}`);
}

/** The "Recorded" count in the organization's row of the dashboard's funnel (the row's last cell). */
function staffRecorded(staff: Page, organizationName: string) {
	return staff.getByRole('row').filter({ hasText: organizationName }).getByRole('cell').last();
}

/** Yes to the copy and to the archive, each with its own Save; then this person's part of the shared description. */
async function consent(
	page: Page,
	part: { title?: string; summary?: string; keywords?: string; place?: string }
) {
	for (const kind of ['copy', 'archive'] as const) {
		const form = page.getByTestId(`consent-${kind}`);
		await form.getByLabel('Yes', { exact: true }).check();
		await form.getByRole('button', { name: 'Save this answer' }).click();
		await expect(form.getByRole('status')).toContainText('saved', { timeout: 30_000 });
	}
	const form = page.getByTestId('archive-description');
	const labels = { title: 'Title', summary: 'Short summary', keywords: 'Keywords', place: 'Place' } as const;
	for (const [field, value] of Object.entries(part)) {
		await form.getByLabel(labels[field as keyof typeof labels]).fill(value);
	}
	await form.getByRole('button', { name: 'Save the description' }).click();
	await expect(form.getByRole('status')).toContainText('saved and shared', { timeout: 30_000 });
}

/** The copy's player loads it and its time moves when played. */
async function expectCopyPlays(page: Page) {
	const player = page.locator('audio[aria-label="The conversation"]');
	await expect
		.poll(() => player.evaluate((a: HTMLAudioElement) => a.readyState), { timeout: 30_000 })
		.toBeGreaterThanOrEqual(1);
	await player.evaluate((a: HTMLAudioElement) => a.play());
	await expect
		.poll(() => player.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 30_000 })
		.toBeGreaterThan(0.2);
	await player.evaluate((a: HTMLAudioElement) => a.pause());
}

/**
 * Through the console's download link, which it shows once the package is ready (both masters on
 * the server). The console hears of the copy, not of each master, so it is reloaded while waiting.
 */
async function downloadArchivePackage(
	coordinator: Page,
	_app: AppServer,
	conversationId: string
): Promise<Buffer> {
	const path = `/api/conversations/${conversationId}/archive-package`;
	const link = coordinator.locator(`a[href$="${path}"]`);
	await expect
		.poll(
			async () => {
				await coordinator.reload();
				await coordinator.getByTestId('calendar-recorded').first().waitFor();
				return link.count();
			},
			{ timeout: 60_000 }
		)
		.toBeGreaterThan(0);
	await expect(coordinator.getByTestId('archive-package').first()).toHaveAttribute('data-readiness', 'ready');
	const download = coordinator.waitForEvent('download');
	await link.first().click();
	return readFileSync((await (await download).path())!);
}
