/**
 * One file of one track on its way to the server (issue #16, "One uploader per track"): the share
 * track or the master, from the recording to the server's confirmation by checksum. Pure: the
 * adapter (sync/track-upload) keeps the state in the file's Dexie row, feeds in what happened, does
 * what `nextStep` says and runs the effects. Sending during the call and sending after it are two
 * inputs to this one machine.
 *
 *   waiting ─live_started→ live ─live_stopped→ finishing ─live_finished→ uploading
 *   waiting ─encode_started→ encoding ─encoded→ uploading
 *   live | finishing ─live_lost→ waiting (the partial upload is deleted: its encoder state is gone)
 *   uploading ─declared→ declared (an upload made during the call, its length open)
 *   uploading | declared ─sent→ confirmed | unconfirmed (every byte there, no confirmation)
 *   unconfirmed ─finish_answer→ confirmed | uploading from byte 0 (new upload) | failed
 *   any ─send_failed…→ failed ─round_started→ uploading | waiting
 */
import type { TrackKind } from '../contracts/consent';
import type { UploadStage } from './upload-plan';

export type TrackPhase =
	| 'waiting'
	| 'live'
	| 'finishing'
	| 'encoding'
	| 'uploading'
	| 'declared'
	| 'unconfirmed'
	| 'confirmed'
	| 'failed';

export type PipelineState = {
	phase: TrackPhase;
	/** The tus upload, once the server made it; the machine decides when it is given up. */
	uploadUrl?: string;
	/** That upload was made during the call without a length: declared before its last bytes. */
	deferredLength?: boolean;
	/** The whole encoded file, and its checksum, are on this device. */
	hasFile: boolean;
	/** Why the last round ended unconfirmed (an HTTP status, 'offline', 'not_confirmed', …). */
	error?: string;
	/** This round already began a new upload because the server could not finish one. */
	restarted?: boolean;
};

export type PipelineEvent =
	/** A new round of the upload runner: what failed goes again, an encode cut off starts over. */
	| { type: 'round_started' }
	/** This tab encodes and sends the share track during the call. */
	| { type: 'live_started' }
	/** The server made the tus upload. */
	| { type: 'url_created'; url: string }
	/** The recorder stopped: the encoder writes its last page. */
	| { type: 'live_stopped' }
	/** The whole file made during the call is on the device. */
	| { type: 'live_finished' }
	/** The live upload ended without a file: its tab died, its encoder failed, the room closed. */
	| { type: 'live_lost' }
	| { type: 'encode_started' }
	| { type: 'encoded' }
	| { type: 'encode_failed'; error: string }
	/** The answer to the declaration of an upload made during the call. */
	| { type: 'declared'; result: 'ok' | 'gone' | 'offline' }
	/** tus-js-client is done; `confirmed`: the server's answer carried this file's checksum. */
	| { type: 'sent'; confirmed: boolean }
	/** tus-js-client gave up; no status means no answer (offline). */
	| { type: 'send_failed'; status?: number }
	/** The answer to POST …/finish. 'again': the server can't; 'later': offline, signed out or 5xx. */
	| { type: 'finish_answer'; result: 'confirmed' | 'again' | 'later' }
	/** The server lists this file as the track's, by checksum. */
	| { type: 'server_confirmed' };

export type PipelineEffect =
	/** The partial upload on the server can never be continued: remove it. */
	| { type: 'delete_upload'; url: string }
	/** The file is confirmed: the device needn't keep it. */
	| { type: 'drop_file' }
	/** The server refused the file itself: it is made again from the recording. */
	| { type: 'forget_file' };

export type Step =
	| { type: 'encode' }
	/** The share track is (or was) going up during the call in some tab: wait for that to end. */
	| { type: 'await_live' }
	| { type: 'declare'; url: string }
	| { type: 'send'; url: string | undefined; deferredLength: boolean }
	| { type: 'finish'; url: string }
	| { type: 'none' };

export const initialPipeline = (): PipelineState => ({ phase: 'waiting', hasFile: false });

/** Statuses after which the file itself must be made and sent anew: changed on the way, not audio. */
const REFUSED = new Set([460, 422]);

type Result = { state: PipelineState; effects: PipelineEffect[] };

export function advance(state: PipelineState, event: PipelineEvent): Result {
	const same: Result = { state, effects: [] };
	const to = (change: Partial<PipelineState>, effects: PipelineEffect[] = []): Result => ({
		state: { ...state, ...change },
		effects
	});
	const { phase } = state;
	const sending = phase === 'uploading' || phase === 'declared';
	switch (event.type) {
		case 'round_started':
			if (phase === 'failed')
				return to({ phase: state.hasFile ? 'uploading' : 'waiting', error: undefined, restarted: undefined });
			// An encode the tab didn't live to finish: it is made again.
			if (phase === 'encoding') return to({ phase: 'waiting', restarted: undefined });
			return state.restarted ? to({ restarted: undefined }) : same;
		case 'live_started':
			return phase === 'waiting' && !state.hasFile
				? to({ phase: 'live', uploadUrl: undefined, deferredLength: undefined, error: undefined })
				: same;
		case 'url_created':
			return phase === 'live' || phase === 'finishing' || sending ? to({ uploadUrl: event.url }) : same;
		case 'live_stopped':
			return phase === 'live' ? to({ phase: 'finishing' }) : same;
		case 'live_finished':
			if (phase !== 'live' && phase !== 'finishing') return same;
			return to({ phase: 'uploading', hasFile: true, deferredLength: state.uploadUrl !== undefined });
		case 'live_lost': {
			if (phase !== 'live' && phase !== 'finishing') return same;
			const effects: PipelineEffect[] = state.uploadUrl
				? [{ type: 'delete_upload', url: state.uploadUrl }]
				: [];
			return to({ phase: 'waiting', uploadUrl: undefined, deferredLength: undefined }, effects);
		}
		case 'encode_started':
			return phase === 'waiting' ? to({ phase: 'encoding', error: undefined }) : same;
		case 'encoded':
			return phase === 'encoding' ? to({ phase: 'uploading', hasFile: true }) : same;
		case 'encode_failed':
			return phase === 'encoding' ? to({ phase: 'failed', hasFile: false, error: event.error }) : same;
		case 'declared':
			if (phase !== 'uploading' || !state.deferredLength) return same;
			if (event.result === 'ok') return to({ phase: 'declared' });
			// The server has no such upload any more: a new one, from the first byte.
			if (event.result === 'gone') return to({ uploadUrl: undefined, deferredLength: undefined });
			return to({ phase: 'failed', error: 'offline' });
		case 'sent':
			if (!sending) return same;
			if (event.confirmed)
				return to({ phase: 'confirmed', hasFile: false, error: undefined }, [{ type: 'drop_file' }]);
			// "Every byte arrived" is not "confirmed": the server may have died before filing it.
			return state.uploadUrl ? to({ phase: 'unconfirmed' }) : to({ phase: 'failed', error: 'not_confirmed' });
		case 'send_failed':
			if (!sending) return same;
			if (event.status !== undefined && REFUSED.has(event.status))
				return to(
					{
						phase: 'failed',
						hasFile: false,
						uploadUrl: undefined,
						deferredLength: undefined,
						error: String(event.status)
					},
					[{ type: 'forget_file' }]
				);
			// Offline, signed out, the server failing: the file and its upload are kept for the next round.
			return to({ phase: 'failed', error: String(event.status ?? 'offline') });
		case 'finish_answer':
			if (phase !== 'unconfirmed') return same;
			if (event.result === 'confirmed')
				return to({ phase: 'confirmed', hasFile: false, error: undefined }, [{ type: 'drop_file' }]);
			if (event.result === 'again' && !state.restarted)
				return to({ phase: 'uploading', uploadUrl: undefined, deferredLength: undefined, restarted: true });
			return to({ phase: 'failed', error: 'not_confirmed' });
		case 'server_confirmed':
			return phase === 'confirmed'
				? same
				: to({ phase: 'confirmed', hasFile: false, error: undefined }, [{ type: 'drop_file' }]);
	}
}

/** What the adapter does next, from the state alone (so a reload picks up where it was). */
export function nextStep(state: PipelineState): Step {
	switch (state.phase) {
		case 'waiting':
			return { type: 'encode' };
		case 'live':
		case 'finishing':
			return { type: 'await_live' };
		case 'uploading':
			if (state.deferredLength && state.uploadUrl) return { type: 'declare', url: state.uploadUrl };
			return { type: 'send', url: state.uploadUrl, deferredLength: false };
		case 'declared':
			return { type: 'send', url: state.uploadUrl, deferredLength: true };
		case 'unconfirmed':
			return state.uploadUrl ? { type: 'finish', url: state.uploadUrl } : { type: 'none' };
		case 'encoding':
		case 'confirmed':
		case 'failed':
			return { type: 'none' };
	}
}

/** What the page shows (components/after/UploadStatus): the call's stages read as "waiting". */
export function stageOf(phase: TrackPhase): UploadStage {
	switch (phase) {
		case 'waiting':
		case 'live':
		case 'finishing':
			return 'waiting';
		case 'encoding':
			return 'encoding';
		case 'uploading':
		case 'declared':
		case 'unconfirmed':
			return 'uploading';
		case 'confirmed':
		case 'failed':
			return phase;
	}
}

/** The id of the file's Dexie row. */
export const uploadIdOf = (trackId: string, kind: TrackKind): string => `${trackId}:${kind}`;
