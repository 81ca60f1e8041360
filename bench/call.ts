import type { Browser, Page } from '@playwright/test';
import { joinRoom, launchWithMic, signIn } from '../tests/e2e/call-helpers';
import { seedDemo } from '../tests/e2e/demo';
import type { AppServer } from '../tests/e2e/server';
import { speechWav } from '../tests/e2e/speech';
import type { Figure } from './index';

const MINUTES = Number(process.env.BENCH_RECORDING_MINUTES ?? 10);
const CALL_GOAL_KBPS = 40;
/** 48 kHz × 16 bit mono: what the recording would take as bare PCM, the floor for the IndexedDB figure. */
const RAW_PCM_KB_PER_MIN = (48_000 * 2 * 60) / 1024;

/**
 * A real call between two Chromium browsers speaking espeak-ng voices, recording for MINUTES
 * (10 by default, as issue #5 asks). Measures the call's bitrate each way from WebRTC's getStats
 * (as the page shows it), bytes written to IndexedDB per minute, and the recording page's JS heap
 * and main-thread CPU from the first minute to the last (after a forced GC each time).
 */
export async function callAndRecording({ app }: { app: AppServer }): Promise<Figure[]> {
	const demo = seedDemo(app);
	const conversation = demo.conversations[0]!;
	const roomUrl = `${app.url}/conversations/${conversation.id}/room`;
	const browsers: Browser[] = [];
	try {
		const pages: Page[] = [];
		for (const [i, voice] of (['ada', 'ben'] as const).entries()) {
			const browser = await launchWithMic(speechWav(voice));
			browsers.push(browser);
			const page = await (await browser.newContext()).newPage();
			await signIn(page, demo.participants.find((p) => p.id === conversation.participantIds[i])!.signInUrl);
			await joinRoom(page, roomUrl);
			pages.push(page);
		}
		for (const page of pages) {
			await page
				.getByTestId('member')
				.and(page.locator('[data-hearing="true"]'))
				.waitFor({ timeout: 60_000 });
			await page.getByRole('button', { name: 'I’m ready to record' }).click();
		}
		const [ada] = pages as [Page, Page];
		await ada.locator('[data-state="recording"]').waitFor();
		const cdp = await ada.context().newCDPSession(ada);
		await cdp.send('Performance.enable');

		await ada.waitForTimeout(60_000); // the first minute: caches, JIT and Dexie warm up
		const start = await snapshot(ada, cdp);
		const kbps: number[] = [];
		const end = Date.now() + (MINUTES - 1) * 60_000;
		let middle: Awaited<ReturnType<typeof snapshot>> | undefined;
		while (Date.now() < end) {
			await ada.waitForTimeout(5_000);
			if (!middle && Date.now() > (start.at + end) / 2) middle = await snapshot(ada, cdp);
			for (const page of pages)
				kbps.push(Number(await page.getByTestId('traffic').getAttribute('data-send-kbps')));
		}
		const last = await snapshot(ada, cdp);
		await ada.getByRole('button', { name: 'Stop recording' }).click();

		const minutes = (last.at - start.at) / 60_000;
		const callKbps = round(kbps.reduce((a, b) => a + b, 0) / Math.max(1, kbps.length));
		const idbKbPerMin = round((last.idbBytes - start.idbBytes) / 1024 / minutes);
		const heapGrowth = round(((last.heapBytes - start.heapBytes) / 1024 / 1024) * (10 / minutes), 2);
		const cpuBetween = (a: typeof start, b: typeof start) =>
			((b.taskSeconds - a.taskSeconds) / ((b.at - a.at) / 1000)) * 100;
		const cpu = round(cpuBetween(start, last));
		const mid = middle ?? last;
		const cpuGrowth = round(cpuBetween(mid, last) - cpuBetween(start, mid));
		return [
			{ name: 'call_kbps_each_way', value: callKbps, unit: 'kbps', goal: `≤ ${CALL_GOAL_KBPS} kbps` },
			{
				name: 'call_kbps_vs_goal_ratio',
				value: round(callKbps / CALL_GOAL_KBPS, 2),
				unit: 'ratio',
				goal: '≤ 1'
			},
			{ name: 'recording_idb_kb_per_min', value: idbKbPerMin, unit: 'KB/min', goal: '(report)' },
			{
				name: 'recording_idb_vs_raw_pcm_ratio',
				value: round(idbKbPerMin / RAW_PCM_KB_PER_MIN, 2),
				unit: 'ratio',
				goal: '≈ 1'
			},
			{ name: 'recording_heap_growth_mb_per_10min', value: heapGrowth, unit: 'MB', goal: '≈ 0 (no growth)' },
			{ name: 'recording_main_thread_cpu_percent', value: cpu, unit: '%' },
			{
				name: 'recording_cpu_growth_points',
				value: cpuGrowth,
				unit: '% points',
				goal: '≈ 0 (second half vs first)'
			},
			{ name: 'recording_bench_minutes', value: round(minutes + 1, 1), unit: 'min' }
		];
	} finally {
		for (const browser of browsers) await browser.close();
	}
}

async function snapshot(page: Page, cdp: import('@playwright/test').CDPSession) {
	await cdp.send('HeapProfiler.collectGarbage');
	const heap = await cdp.send('Runtime.getHeapUsage');
	const { metrics } = await cdp.send('Performance.getMetrics');
	const idbBytes = await page.evaluate(async () => {
		const estimate = (await navigator.storage.estimate()) as StorageEstimate & {
			usageDetails?: { indexedDB?: number };
		};
		return estimate.usageDetails?.indexedDB ?? estimate.usage ?? 0;
	});
	return {
		at: Date.now(),
		heapBytes: heap.usedSize,
		taskSeconds: metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0,
		idbBytes
	};
}

function round(value: number, digits = 1) {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}
