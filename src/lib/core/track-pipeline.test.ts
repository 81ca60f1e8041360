import { describe, expect, it } from 'vitest';
import {
	advance,
	initialPipeline,
	nextStep,
	stageOf,
	type PipelineEffect,
	type PipelineEvent,
	type PipelineState
} from './track-pipeline';

const URL1 = '/uploads/u1';
const URL2 = '/uploads/u2';

/** Runs events in order from `from`, collecting every effect. */
function run(from: PipelineState, ...events: PipelineEvent[]) {
	let state = from;
	const effects: PipelineEffect[] = [];
	for (const event of events) {
		const result = advance(state, event);
		state = result.state;
		effects.push(...result.effects);
	}
	return { state, effects };
}

const liveAtStop = run(
	initialPipeline(),
	{ type: 'live_started' },
	{ type: 'url_created', url: URL1 },
	{ type: 'live_stopped' },
	{ type: 'live_finished' }
).state;

const encodedAfterCall = run(initialPipeline(), { type: 'encode_started' }, { type: 'encoded' }).state;

describe('the share track sent during the call', () => {
	it('goes waiting → live → finishing → uploading with its length open, is declared, sent, confirmed', () => {
		let state = initialPipeline();
		expect(nextStep(state)).toEqual({ type: 'encode' });
		state = advance(state, { type: 'live_started' }).state;
		expect(state.phase).toBe('live');
		expect(nextStep(state)).toEqual({ type: 'await_live' });
		state = advance(state, { type: 'url_created', url: URL1 }).state;
		expect(state.uploadUrl).toBe(URL1);
		state = advance(state, { type: 'live_stopped' }).state;
		expect(state.phase).toBe('finishing');
		state = advance(state, { type: 'live_finished' }).state;
		expect(state).toMatchObject({ phase: 'uploading', hasFile: true, deferredLength: true, uploadUrl: URL1 });
		expect(nextStep(state)).toEqual({ type: 'declare', url: URL1 });
		state = advance(state, { type: 'declared', result: 'ok' }).state;
		expect(state.phase).toBe('declared');
		expect(nextStep(state)).toEqual({ type: 'send', url: URL1, deferredLength: true });
		const done = advance(state, { type: 'sent', confirmed: true });
		expect(done.state).toMatchObject({ phase: 'confirmed', hasFile: false });
		expect(done.effects).toEqual([{ type: 'drop_file' }]);
		expect(nextStep(done.state)).toEqual({ type: 'none' });
	});

	it('that never reached the server is sent whole, with its length, at the end', () => {
		const state = run(
			initialPipeline(),
			{ type: 'live_started' },
			{ type: 'live_stopped' },
			{ type: 'live_finished' }
		).state;
		expect(state).toMatchObject({ phase: 'uploading', deferredLength: false, uploadUrl: undefined });
		expect(nextStep(state)).toEqual({ type: 'send', url: undefined, deferredLength: false });
	});

	it('whose upload the server lost by the declaration goes again as a new upload, from the first byte', () => {
		const state = advance(liveAtStop, { type: 'declared', result: 'gone' }).state;
		expect(state).toMatchObject({ phase: 'uploading', uploadUrl: undefined, deferredLength: undefined });
		expect(nextStep(state)).toEqual({ type: 'send', url: undefined, deferredLength: false });
	});

	it('whose declaration found no connection waits for the next round, then declares again', () => {
		const failed = advance(liveAtStop, { type: 'declared', result: 'offline' }).state;
		expect(failed).toMatchObject({ phase: 'failed', error: 'offline', uploadUrl: URL1, hasFile: true });
		expect(nextStep(failed)).toEqual({ type: 'none' });
		const again = advance(failed, { type: 'round_started' }).state;
		expect(nextStep(again)).toEqual({ type: 'declare', url: URL1 });
	});

	it('whose tab died during the call: the partial upload is deleted and the whole track goes after it', () => {
		// A reload finds the row still "live" and no tab holding it.
		const live = run(initialPipeline(), { type: 'live_started' }, { type: 'url_created', url: URL1 }).state;
		const after = advance(advance(live, { type: 'round_started' }).state, { type: 'live_lost' });
		expect(after.effects).toEqual([{ type: 'delete_upload', url: URL1 }]);
		expect(after.state).toMatchObject({ phase: 'waiting', uploadUrl: undefined, hasFile: false });
		expect(nextStep(after.state)).toEqual({ type: 'encode' });
		const encoded = run(after.state, { type: 'encode_started' }, { type: 'encoded' }).state;
		expect(nextStep(encoded)).toEqual({ type: 'send', url: undefined, deferredLength: false });
	});

	it('lost while its last page was being written is dropped the same way; one lost before its upload existed deletes nothing', () => {
		const finishing = run(
			initialPipeline(),
			{ type: 'live_started' },
			{ type: 'url_created', url: URL1 },
			{ type: 'live_stopped' }
		).state;
		expect(advance(finishing, { type: 'live_lost' }).effects).toEqual([{ type: 'delete_upload', url: URL1 }]);
		const early = run(initialPipeline(), { type: 'live_started' }, { type: 'live_lost' });
		expect(early.effects).toEqual([]);
		expect(early.state.phase).toBe('waiting');
	});

	it('that finished before the other input looked is not dropped: a late live_lost changes nothing', () => {
		expect(advance(liveAtStop, { type: 'live_lost' })).toEqual({ state: liveAtStop, effects: [] });
	});

	it('never starts over a file that is already made, nor after the call', () => {
		expect(advance(encodedAfterCall, { type: 'live_started' }).state).toBe(encodedAfterCall);
		const confirmed = advance(encodedAfterCall, { type: 'sent', confirmed: true }).state;
		expect(advance(confirmed, { type: 'live_started' }).state).toBe(confirmed);
	});
});

describe('every byte on the server, never confirmed (offset = length)', () => {
	const unconfirmed = advance(encodedAfterCall, { type: 'url_created', url: URL1 }).state;
	const whole = advance(unconfirmed, { type: 'sent', confirmed: false }).state;

	it('is not done: the server is asked to finish it', () => {
		expect(whole.phase).toBe('unconfirmed');
		expect(stageOf(whole.phase)).toBe('uploading');
		expect(nextStep(whole)).toEqual({ type: 'finish', url: URL1 });
	});

	it('is done once the server confirms the checksum', () => {
		const result = advance(whole, { type: 'finish_answer', result: 'confirmed' });
		expect(result.state.phase).toBe('confirmed');
		expect(result.effects).toEqual([{ type: 'drop_file' }]);
	});

	it('goes again from byte 0, as a new upload, when the server can’t finish it; a second refusal waits for the next round', () => {
		const again = advance(whole, { type: 'finish_answer', result: 'again' }).state;
		expect(again).toMatchObject({ phase: 'uploading', uploadUrl: undefined, hasFile: true, restarted: true });
		expect(nextStep(again)).toEqual({ type: 'send', url: undefined, deferredLength: false });
		const resent = run(again, { type: 'url_created', url: URL2 }, { type: 'sent', confirmed: false }).state;
		expect(nextStep(resent)).toEqual({ type: 'finish', url: URL2 });
		const refused = advance(resent, { type: 'finish_answer', result: 'again' }).state;
		expect(refused).toMatchObject({
			phase: 'failed',
			error: 'not_confirmed',
			uploadUrl: URL2,
			hasFile: true
		});
		const next = advance(refused, { type: 'round_started' }).state;
		expect(next.restarted).toBeUndefined();
		expect(nextStep(next)).toEqual({ type: 'send', url: URL2, deferredLength: false });
	});

	it('keeps its file and its upload when the server fails to finish it (5xx, offline, signed out)', () => {
		const later = advance(whole, { type: 'finish_answer', result: 'later' }).state;
		expect(later).toMatchObject({ phase: 'failed', error: 'not_confirmed', uploadUrl: URL1, hasFile: true });
		// The next round resumes the same upload: tus-js-client's HEAD finds every byte, then finish.
		expect(nextStep(advance(later, { type: 'round_started' }).state)).toEqual({
			type: 'send',
			url: URL1,
			deferredLength: false
		});
	});

	it('an upload the device never had the URL of is not asked to finish', () => {
		expect(advance(encodedAfterCall, { type: 'sent', confirmed: false }).state).toMatchObject({
			phase: 'failed',
			error: 'not_confirmed'
		});
	});
});

describe('failures while sending', () => {
	const sending = advance(encodedAfterCall, { type: 'url_created', url: URL1 }).state;

	it.each([
		['offline', undefined, 'offline'],
		['signed out', 401, '401'],
		['the server failing', 503, '503']
	])('%s: failed, file and upload kept, resumed next round', (_, status, error) => {
		const failed = advance(sending, { type: 'send_failed', status });
		expect(failed.effects).toEqual([]);
		expect(failed.state).toMatchObject({ phase: 'failed', error, hasFile: true, uploadUrl: URL1 });
		expect(stageOf(failed.state.phase)).toBe('failed');
		const again = advance(failed.state, { type: 'round_started' }).state;
		expect(again).toMatchObject({ phase: 'uploading', error: undefined });
		expect(nextStep(again)).toEqual({ type: 'send', url: URL1, deferredLength: false });
	});

	it.each([460, 422])('a file the server refuses (%i) is made again from the recording', (status) => {
		const failed = advance(sending, { type: 'send_failed', status });
		expect(failed.effects).toEqual([{ type: 'forget_file' }]);
		expect(failed.state).toMatchObject({ phase: 'failed', hasFile: false, uploadUrl: undefined });
		expect(nextStep(advance(failed.state, { type: 'round_started' }).state)).toEqual({ type: 'encode' });
	});

	it('an encode that fails, or that a closed tab cut off, is made again next round', () => {
		const encoding = advance(initialPipeline(), { type: 'encode_started' }).state;
		expect(nextStep(encoding)).toEqual({ type: 'none' });
		expect(advance(encoding, { type: 'round_started' }).state.phase).toBe('waiting');
		const failed = advance(encoding, { type: 'encode_failed', error: 'no memory' }).state;
		expect(failed).toMatchObject({ phase: 'failed', error: 'no memory' });
		expect(nextStep(advance(failed, { type: 'round_started' }).state)).toEqual({ type: 'encode' });
	});

	it('a failure outside sending changes nothing', () => {
		const live = advance(initialPipeline(), { type: 'live_started' }).state;
		expect(advance(live, { type: 'send_failed', status: 500 }).state).toBe(live);
		expect(advance(live, { type: 'sent', confirmed: true }).state).toBe(live);
	});
});

describe('the server’s own list', () => {
	it('confirms a file from any stage and lets the device drop it', () => {
		for (const state of [encodedAfterCall, liveAtStop, initialPipeline()]) {
			const result = advance(state, { type: 'server_confirmed' });
			expect(result.state.phase).toBe('confirmed');
			expect(result.effects).toEqual([{ type: 'drop_file' }]);
		}
		const confirmed = advance(encodedAfterCall, { type: 'server_confirmed' }).state;
		expect(advance(confirmed, { type: 'server_confirmed' }).effects).toEqual([]);
	});
});

describe('what the page shows', () => {
	it('keeps the five stages the upload list and the journeys read', () => {
		expect(
			(
				[
					'waiting',
					'live',
					'finishing',
					'encoding',
					'uploading',
					'declared',
					'unconfirmed',
					'confirmed',
					'failed'
				] as const
			).map(stageOf)
		).toEqual([
			'waiting',
			'waiting',
			'waiting',
			'encoding',
			'uploading',
			'uploading',
			'uploading',
			'confirmed',
			'failed'
		]);
	});
});
