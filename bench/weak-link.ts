import type { Page } from '@playwright/test';
import { readTrack, serverUploads, stopRecording } from '../tests/e2e/call-helpers';
import { OUTAGE_MS, type ProfileName } from '../tests/e2e/net/profiles';
import { between, readCall, startWeakCall, type WeakCall } from '../tests/e2e/net/weak-call';
import type { Figure } from './figure';

/** The measured stretch of each call, after WARMUP_MS (the jitter buffer and the estimates settle). */
const SECONDS = Number(process.env.BENCH_WEAK_LINK_SECONDS ?? 40);
const WARMUP_MS = 10_000;
const PROFILES_MEASURED = (process.env.BENCH_WEAK_LINK_PROFILES ?? 'good,3g,lossy,bad').split(
	','
) as ProfileName[];
const GOALS = {
	concealed: { lossy: '≤ 2', bad: '≤ 5' } as Partial<Record<ProfileName, string>>,
	mouthToEar: { '3g': '≤ 400' } as Partial<Record<ProfileName, string>>
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

type Run = {
	/** What Ada (on the profile) heard of Ben, and what Ben (on `good`) heard of Ada. */
	ada: ReturnType<typeof between>;
	ben: ReturnType<typeof between>;
	dropouts: number;
	sharePercent?: number;
	shareError?: string;
	recoverySeconds?: number;
	recoveryError?: string;
	load: string;
};

const loadAverage = async () =>
	(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;

/**
 * Issue #18: calls between two Chromium browsers over the shaped links (tests/e2e/net): Ada on each
 * profile, Ben on `good`. Per profile, what each listener hears (getStats), the delay, the bitrate
 * each way, the share track sent during the call, and the local recordings' dropouts. On `lossy`
 * also with the live upload off (what the upload adds to the concealment), and a 10-second outage
 * after the measured stretch (how long until audio flows again). `preset` sets the room's audio
 * (CALL_AUDIO_PRESET); unset, what the room ships with.
 */
export async function weakLinkFigures({
	staticDir,
	log,
	preset
}: {
	staticDir: string;
	log: (line: string) => void;
	preset?: string;
}): Promise<Figure[]> {
	const env: Record<string, string> = preset ? { CALL_AUDIO_PRESET: preset } : {};
	const suffix = preset ? `_${preset}` : '';
	const figures: Figure[] = [];
	const runs: Partial<Record<string, Run>> = {};
	const errors: Record<string, string> = {};
	const attempt = async (key: string, measure: () => Promise<Run>) => {
		try {
			runs[key] = await measure();
		} catch (error) {
			errors[key] = error instanceof Error ? error.message.split('\n').slice(0, 4).join(' ') : String(error);
			log(`  ${key}: could not be measured: ${errors[key]}`);
		}
	};
	for (const profile of PROFILES_MEASURED) {
		log(
			`  Ada on ${profile}, Ben on good: ${SECONDS} s measured${profile === 'lossy' ? ', then the outage' : ''}…`
		);
		await attempt(profile, () => measureCall({ profile, staticDir, env, outage: profile === 'lossy' }));
	}
	const uploadOff = PROFILES_MEASURED.includes('lossy') && process.env.BENCH_WEAK_LINK_UPLOAD_OFF !== '0';
	if (uploadOff) {
		log(`  Ada on lossy with the live upload off…`);
		await attempt('lossy-no-upload', () =>
			measureCall({ profile: 'lossy', staticDir, env, liveUpload: false })
		);
	}

	const row = (
		name: string,
		key: string,
		value: (run: Run) => number,
		unit: (run: Run) => string,
		goal?: string
	) => {
		const run = runs[key];
		figures.push(
			run
				? { name: name + suffix, value: round(value(run)), unit: unit(run), ...(goal ? { goal } : {}) }
				: {
						name: name + suffix,
						value: NaN,
						unit: '',
						error: errors[key] ?? 'not run',
						...(goal ? { goal } : {})
					}
		);
	};
	const heard = (run: Run) => Math.max(run.ada.concealedPercent, run.ben.concealedPercent);
	for (const profile of PROFILES_MEASURED) {
		row(
			`call_concealed_percent_${profile}`,
			profile,
			heard,
			(r) =>
				`% of samples made up, the listener who heard more (Ada on ${profile} ${round(r.ada.concealedPercent, 2)}, Ben ${round(r.ben.concealedPercent, 2)}; in silence ${round(r.ada.silentConcealedPercent, 2)}/${round(r.ben.silentConcealedPercent, 2)}; load ${r.load})`,
			GOALS.concealed[profile]
		);
		row(
			`call_mouth_to_ear_ms_${profile}`,
			profile,
			(r) => Math.max(r.ada.mouthToEarMs, r.ben.mouthToEarMs),
			(r) =>
				`ms, RTT/2 + jitter buffer, the longer way (jitter buffer ${round(r.ada.jitterBufferMs, 0)}/${round(r.ben.jitterBufferMs, 0)} ms; capture, encoding and playout not in it)`,
			GOALS.mouthToEar[profile]
		);
		row(
			`call_kbps_each_way_${profile}`,
			profile,
			(r) => Math.max(r.ada.sentKbps, r.ben.sentKbps),
			(r) =>
				`kbit/s on the link, the busier way (Ada ${round(r.ada.sentKbps)}, Ben ${round(r.ben.sentKbps)}; the audio's RTP alone ${round(r.ada.rtpKbps)}/${round(r.ben.rtpKbps)})`,
			'≤ 40'
		);
		const run = runs[profile];
		figures.push(
			run?.sharePercent !== undefined
				? {
						name: `share_sent_during_call_percent_${profile}${suffix}`,
						value: round(run.sharePercent),
						unit: '% of both share tracks on the server at stop'
					}
				: {
						name: `share_sent_during_call_percent_${profile}${suffix}`,
						value: NaN,
						unit: '',
						error: run?.shareError ?? errors[profile] ?? 'not run'
					}
		);
	}
	const on = runs.lossy;
	const off = runs['lossy-no-upload'];
	// Left out on purpose (BENCH_WEAK_LINK_UPLOAD_OFF=0, or no lossy run): no row rather than an error.
	if (uploadOff)
		figures.push(
			on && off
				? {
						name: `call_concealed_points_added_by_upload${suffix}`,
						value: round(heard(on) - heard(off), 2),
						unit: `% points on lossy, live upload on (${round(heard(on), 2)}) minus off (${round(heard(off), 2)})`,
						goal: '≤ 0.5'
					}
				: {
						name: `call_concealed_points_added_by_upload${suffix}`,
						value: NaN,
						unit: '',
						error: errors.lossy ?? errors['lossy-no-upload'] ?? 'not run'
					}
		);
	figures.push(
		on?.recoverySeconds !== undefined
			? {
					name: `call_recovery_seconds_after_outage${suffix}`,
					value: round(on.recoverySeconds),
					unit: `s from the link's return to audio flowing both ways (lossy, ${OUTAGE_MS / 1000} s outage)`
				}
			: {
					name: `call_recovery_seconds_after_outage${suffix}`,
					value: NaN,
					unit: '',
					error: on?.recoveryError ?? errors.lossy ?? 'not run'
				}
	);
	const measured = Object.values(runs) as Run[];
	figures.push({
		name: `recording_dropouts_on_weak_links${suffix}`,
		value: measured.reduce((sum, r) => sum + r.dropouts, 0),
		unit: `dropouts in both local recordings, over ${measured.length} calls`,
		goal: '0',
		...(Object.keys(errors).length > 0
			? { error: `not every call was measured: ${Object.keys(errors).join(', ')}` }
			: {})
	});
	return figures;
}

async function measureCall({
	profile,
	staticDir,
	env,
	liveUpload = true,
	outage = false
}: {
	profile: ProfileName;
	staticDir: string;
	env: Record<string, string>;
	liveUpload?: boolean;
	outage?: boolean;
}): Promise<Run> {
	const call = await startWeakCall({ profile, staticDir, env, liveUpload });
	try {
		const [adaPage, benPage] = call.pages;
		await adaPage.waitForTimeout(WARMUP_MS);
		const start = await Promise.all([readCall(adaPage), readCall(benPage)]);
		await adaPage.waitForTimeout(SECONDS * 1000);
		const end = await Promise.all([readCall(adaPage), readCall(benPage)]);
		const load = await loadAverage();
		const run: Run = { ada: between(start[0], end[0]), ben: between(start[1], end[1]), dropouts: 0, load };
		if (outage) Object.assign(run, await outageAndRecovery(call));
		await stopRecording(adaPage);
		const sentAtStop = serverUploads(call.app.dataDir).reduce((sum, u) => sum + u.bytes, 0);
		for (const page of call.pages)
			run.dropouts += (await readTrack(page, call.conversationId))?.dropouts.length ?? 0;
		if (liveUpload) Object.assign(run, await shareSent(call, sentAtStop));
		return run;
	} finally {
		await call.close();
	}
}

/** Drops Ada's link for OUTAGE_MS, then polls both pages until each hears audio again. */
async function outageAndRecovery(call: WeakCall): Promise<Pick<Run, 'recoverySeconds' | 'recoveryError'>> {
	call.links.outage('ada', true);
	await call.pages[0].waitForTimeout(OUTAGE_MS);
	call.links.outage('ada', false);
	const back = performance.now();
	const flowing = async (page: Page, since: Awaited<ReturnType<typeof readCall>>) =>
		(await readCall(page)).packetsReceived - since.packetsReceived >= 10;
	let marks = await Promise.all(call.pages.map(readCall));
	while (performance.now() - back < 120_000) {
		await call.pages[0].waitForTimeout(250);
		const heard = await Promise.all(call.pages.map((page, i) => flowing(page, marks[i]!)));
		if (heard.every(Boolean)) return { recoverySeconds: (performance.now() - back) / 1000 };
		marks = await Promise.all(call.pages.map(readCall));
	}
	return { recoveryError: 'no audio both ways within 2 minutes of the link coming back' };
}

/** Waits (at most 3 minutes) for both share tracks to be confirmed; their bytes that were there at stop. */
async function shareSent(
	call: WeakCall,
	sentAtStop: number
): Promise<Pick<Run, 'sharePercent' | 'shareError'>> {
	const deadline = performance.now() + 180_000;
	while (performance.now() < deadline) {
		const tracks = call.app.query<{ bytes: number }>(
			"select bytes from conversation_tracks where conversation_id = ? and kind = 'share'",
			call.conversationId
		);
		if (tracks.length === 2)
			return { sharePercent: (sentAtStop / tracks.reduce((sum, t) => sum + t.bytes, 0)) * 100 };
		await call.pages[0].waitForTimeout(1_000);
	}
	return { shareError: 'the share tracks were not both on the server within 3 minutes of stop' };
}
