import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClockFit } from '../../../src/lib/core/clock-fit.ts';
import { COPY_SAMPLE_RATE } from '../../../src/lib/core/mixdown.ts';
import { sharingAllowed } from '../../../src/lib/core/consent.ts';
import type { Clock } from '../clock.ts';
import { recordingMade } from '../conversations/lifecycle.ts';
import type { Env } from '../env.ts';
import { createJobRunner, type JobRunnerOptions } from '../jobs/runner.ts';
import { concerned, type LiveHub } from '../live/hub.ts';
import { conversationChanged } from '../live/progress.ts';
import type { Logger } from '../log.ts';
import { copyReadyEmail } from '../mail/templates.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Store, TrackFile } from '../store/types.ts';
import { UPLOADS_DIR } from '../uploads/paths.ts';
import { openBlobStore, type BlobStore } from './blob-store.ts';
import { COPIES_DIR, produceCopy, shareTracksInOrder, type MixedCopy } from './copy-job.ts';
import type { Transcoder } from './ffmpeg.ts';
import { ProgressiveCopy, type LiveVoice } from './progressive-copy.ts';

/**
 * Background media work (issue #6), run once across instances (issue #17): bring a conversation's
 * copy up to date, that is mix it once both share tracks are confirmed, then tell both participants
 * once it is ready and both agreed to copies. Asked for as a durable job ('copy', conversation id),
 * so one instance runs it, a killed instance's job is taken over, and a restart loses nothing.
 */
export interface MediaJobs {
	/** Durable once it resolves (never rejects; a failure is logged and the boot scan mixes anyway). */
	trackConfirmed(conversationId: string): Promise<void>;
	/**
	 * Bytes of an upload arrived (a PATCH was answered). A share track going up during the call, with
	 * its start time, feeds the copy mixed during the call (issue #16); anything else is ignored.
	 * `fit`: the track's clock fit from every segment so far, which the PATCH carried.
	 * In memory on this instance, which the upload is pinned to; if it dies, the copy job mixes whole.
	 */
	uploadGrew(uploadId: string, fit?: ClockFit): void;
	/** Durable once it resolves (never rejects; a failure is logged). */
	consentChanged(conversationId: string): Promise<void>;
	/**
	 * On boot: asks again for the copy of every conversation whose share tracks are all confirmed but
	 * whose copy is missing, failed, or was still being mixed when the server stopped, then takes over
	 * whatever is due (jobs asked for before a crash, and those of an instance whose lease expired).
	 * Resolves with how many copies were asked for again.
	 */
	resumeInterrupted(): Promise<number>;
	/** Another instance asked for a job (the hook a Redis notification calls); the next poll does it too. */
	wake(): void;
	/** Resolves when every job due here has run (tests, graceful shutdown). */
	idle(): Promise<void>;
	close(): Promise<void>;
	/** Shared with the archive package, so one ffmpeg worker serves all media work. */
	readonly transcoder: Transcoder;
	/** Where confirmed audio lives (DATA_DIR, or the bucket with S3_*): tracks, copies, packages. */
	readonly blobs: BlobStore;
}

type MediaDeps = {
	env: Env;
	store: Store;
	mailer: Mailer;
	clock: Clock;
	log: Logger;
	transcoder: Transcoder;
	/** Tells both people's open pages when the conversation is recorded and when the copy is ready. */
	live?: LiveHub;
	/** How often to look for jobs other instances asked for or left (the server: every few seconds). */
	pollMs?: number;
	/** See JobRunnerOptions.onEnqueued: where a Redis notification to the other instances goes. */
	onEnqueued?: JobRunnerOptions['onEnqueued'];
	/** Default: openBlobStore(env). */
	blobs?: BlobStore;
};
type Deps = MediaDeps & { blobs: BlobStore };

/** The one job kind of the media work: its key is the conversation id. */
export const COPY_JOB = 'copy';

export function createMediaJobs(input: MediaDeps): MediaJobs {
	const deps: Deps = { ...input, blobs: input.blobs ?? openBlobStore(input.env) };
	const calls = liveCalls(deps);
	// Idempotent, which the runner relies on (a rerun after a crash or a lost lease is harmless):
	// a whole, current copy is left alone, the file is only ever renamed into place whole, and the
	// copy's notifiedAt is set, only if unset, in the transaction that queues the emails.
	const jobs = createJobRunner({
		store: deps.store,
		clock: deps.clock,
		log: deps.log,
		pollMs: deps.pollMs,
		onEnqueued: deps.onEnqueued,
		handlers: {
			[COPY_JOB]: async (conversationId) => {
				await mixIfReady(deps, conversationId, calls);
				await notifyIfAllowed(deps, conversationId);
			}
		}
	});
	const ask = (conversationId: string) =>
		jobs
			.enqueue(COPY_JOB, conversationId)
			.catch((error: unknown) =>
				deps.log.error('the copy job could not be queued', { conversationId, error })
			);
	let booting: Promise<unknown> = Promise.resolve();
	return {
		trackConfirmed: ask,
		uploadGrew: (uploadId, fit) => calls.grew(uploadId, fit),
		consentChanged: ask,
		resumeInterrupted() {
			const scan = (async () => {
				// Nothing is being mixed during a call at boot: what a crash left of one is never the copy.
				await removeProgressiveLeftovers(deps.env.dataDir);
				const ids = await deps.store.trackFiles.conversationsWithBothShareTracks();
				const stale: string[] = [];
				for (const id of ids) if (!(await copyIsWhole(deps, id))) stale.push(id);
				for (const id of stale) {
					deps.log.info('mixing again after a restart', { conversationId: id });
					await jobs.enqueue(COPY_JOB, id);
				}
				jobs.kick();
				return stale.length;
			})();
			// close() waits for it, so it never races the store shutting down; a failure is logged.
			booting = scan.catch((error: unknown) => deps.log.error('resuming media jobs failed', { error }));
			return scan;
		},
		wake: () => jobs.kick(),
		async idle() {
			await booting;
			await jobs.idle();
		},
		transcoder: deps.transcoder,
		blobs: deps.blobs,
		async close() {
			await booting;
			await jobs.close();
			await calls.close();
			await deps.transcoder.close();
			deps.blobs.close();
		}
	};
}

/** A ready copy whose file is stored. Anything else (no row, "mixing", "failed", file gone) is mixed again. */
async function copyIsWhole(deps: Deps, conversationId: string): Promise<boolean> {
	const copy = await deps.store.copies.find(conversationId);
	if (copy?.status !== 'ready' || !copy.filePath) return false;
	return (await deps.blobs.head(copy.filePath)) !== undefined;
}

async function mixIfReady(deps: Deps, conversationId: string, calls: LiveCalls): Promise<void> {
	const { store, clock, env, log } = deps;
	const conversation = await store.conversations.findById(conversationId);
	if (!conversation) return;
	const tracks = shareTracksInOrder(conversation, await store.trackFiles.listForConversation(conversationId));
	if (!tracks) return;
	// Both voices are on the server: the conversation is recorded, if Stop had not said so already.
	if (conversation.status !== 'recorded') {
		await store.transaction((repos) => recordingMade(repos, { conversationId, env, now: clock() }));
		await conversationChanged(deps, conversation);
	}
	const existing = await store.copies.find(conversationId);
	const newest =
		tracks
			.map((t) => t.confirmedAt)
			.sort()
			.at(-1) ?? '';
	if (
		existing?.status === 'ready' &&
		existing.updatedAt >= newest &&
		(await copyIsWhole(deps, conversationId))
	)
		return;
	const blank = {
		filePath: null,
		sha256: null,
		bytes: null,
		durationMs: null,
		error: null,
		notifiedAt: null
	};
	await store.copies.save({ conversationId, status: 'mixing', ...blank, now: clock() });
	try {
		const started = Date.now();
		// Mixed during the call where it could be: only the tail is left. Otherwise the whole files.
		const progressive = await calls.finish(conversationId, tracks);
		const copy: MixedCopy =
			progressive ??
			(await produceCopy({ blobs: deps.blobs, transcoder: deps.transcoder }, conversationId, tracks));
		await store.copies.save({ conversationId, status: 'ready', ...blank, ...copy, now: clock() });
		deps.live?.publish(concerned(conversation.participantIds), { topic: 'copy', conversationId });
		log.info('copy mixed', {
			conversationId,
			ms: Date.now() - started,
			lufs: copy.loudness.toFixed(1),
			stepsMs: copy.stepsMs,
			via: deps.transcoder.kind,
			during: progressive !== undefined
		});
	} catch (error) {
		await store.copies.save({
			conversationId,
			status: 'failed',
			...blank,
			error: String(error),
			now: clock()
		});
		throw error;
	}
}

async function notifyIfAllowed(deps: Deps, conversationId: string): Promise<void> {
	const { store, clock, env } = deps;
	const conversation = await store.conversations.findById(conversationId);
	const copy = await store.copies.find(conversationId);
	if (!conversation || copy?.status !== 'ready' || copy.notifiedAt) return;
	const consents = await store.consents.listForConversation(conversationId);
	if (!sharingAllowed(consents, conversation.participantIds, 'copy')) return;
	const people = await Promise.all(conversation.participantIds.map((id) => store.users.findById(id)));
	await store.transaction(async (repos) => {
		const now = clock();
		// First, in the same transaction as the emails: whoever notes it first is the one who tells.
		if (!(await repos.copies.markNotified(conversationId, now))) return;
		for (const [i, person] of people.entries()) {
			const partner = people[1 - i];
			if (!person?.email || !partner) continue;
			const url = `${env.publicUrl}/conversations/${conversationId}`;
			await repos.mail.enqueue(
				copyReadyEmail({
					to: person.email,
					firstName: person.firstName,
					partnerFirstName: partner.firstName,
					url,
					language: person.language
				}),
				now
			);
		}
	});
	void deps.mailer.flush();
}

/** Removes what a crash left of copies being mixed during a call (never served, never resumed as they are). */
async function removeProgressiveLeftovers(dataDir: string) {
	const dir = join(dataDir, COPIES_DIR);
	const names = await readdir(dir).catch(() => [] as string[]);
	for (const name of names.filter((n) => n.endsWith('.progressive')))
		await rm(join(dir, name), { force: true });
}

/** A call whose share tracks go up while it lasts: its voices as they appear, and the mix once both have. */
type LiveCall = {
	voices: Map<string, LiveVoice>;
	copy?: ProgressiveCopy;
	idle?: ReturnType<typeof setTimeout>;
};
type LiveCalls = ReturnType<typeof liveCalls>;
/** A call whose uploads stop growing for this long is over without a copy: its mix is dropped. */
const LIVE_IDLE_MS = 15 * 60_000;

/**
 * The copies mixed during calls (issue #16), by conversation. Only with the system ffmpeg, which
 * can decode and encode from pipes as the bytes come; with ffmpeg.wasm the copy is mixed after the
 * call, whole. One step at a time, so two PATCHes never start two mixes of one call.
 */
function liveCalls(deps: Deps) {
	const calls = new Map<string, LiveCall>();
	let steps: Promise<unknown> = Promise.resolve();
	const serial = <T>(step: () => Promise<T>): Promise<T> => {
		const run = steps.then(step);
		steps = run.catch(() => undefined);
		return run;
	};
	const drop = async (conversationId: string) => {
		const call = calls.get(conversationId);
		calls.delete(conversationId);
		clearTimeout(call?.idle);
		await call?.copy?.abort();
	};

	async function grew(uploadId: string, fit: ClockFit | undefined) {
		if (deps.transcoder.kind !== 'system') return;
		const record = await readFile(join(deps.env.dataDir, UPLOADS_DIR, `${uploadId}.json`), 'utf8')
			.then((text) => JSON.parse(text) as { size?: number | null; metadata?: Record<string, string | null> })
			.catch(() => undefined);
		const { conversationId, userId, kind, startedAtServerMs, samplesPerSecond } = record?.metadata ?? {};
		if (!record || kind !== 'share' || !conversationId || !userId) return;
		let call = calls.get(conversationId);
		const known = call?.voices.get(userId);
		// A voice joins when its upload says where its track starts: a share track going up during the
		// call, or sent whole after it (then its bytes are mixed as they arrive, not after the last).
		if (known?.uploadId !== uploadId) {
			if (!startedAtServerMs) return;
			const start = Number(startedAtServerMs);
			if (!Number.isFinite(start)) return;
			// The same person's track started again as a new upload: the mix so far is of other bytes.
			if (known) await drop(conversationId);
			call = calls.get(conversationId) ?? { voices: new Map() };
			calls.set(conversationId, call);
			// A file sent whole after the call declared its fit at creation; during the call the PATCHes say it.
			const rate = Number(samplesPerSecond);
			call.voices.set(userId, {
				uploadId,
				fit: fit ?? { startedAtServerMs: start, samplesPerSecond: rate > 0 ? rate : COPY_SAMPLE_RATE }
			});
		} else if (fit && call) {
			known.fit = fit;
			const conversation = await deps.store.conversations.findById(conversationId);
			const side = conversation?.participantIds.indexOf(userId);
			if (side === 0 || side === 1) call.copy?.updateFit(side, fit);
		}
		if (!call) return;
		clearTimeout(call.idle);
		call.idle = setTimeout(() => void serial(() => drop(conversationId)), LIVE_IDLE_MS);
		call.idle.unref?.();
		if (!call.copy && call.voices.size === 2) {
			const conversation = await deps.store.conversations.findById(conversationId);
			const voices = conversation?.participantIds.map((id) => call.voices.get(id));
			const [left, right] = voices ?? [];
			if (!left || !right) return;
			call.copy = await ProgressiveCopy.start(
				{ dataDir: deps.env.dataDir, log: deps.log, blobs: deps.blobs },
				conversationId,
				[left, right]
			);
			deps.log.info('mixing the copy during the call', { conversationId });
		}
		// Not awaited: decoding goes on while the next PATCH is answered.
		void call.copy?.grew();
	}

	return {
		grew(uploadId: string, fit?: ClockFit) {
			void serial(() => grew(uploadId, fit)).catch((error: unknown) =>
				deps.log.warn('the copy could not be mixed during the call', { uploadId, error })
			);
		},
		/** The copy from the mix made during the call, or undefined: then it is mixed whole. */
		finish(conversationId: string, tracks: [TrackFile, TrackFile]): Promise<MixedCopy | undefined> {
			return serial(async () => {
				const call = calls.get(conversationId);
				calls.delete(conversationId);
				clearTimeout(call?.idle);
				return call?.copy?.finish(tracks);
			});
		},
		close: () => serial(async () => Promise.all([...calls.keys()].map(drop))),
		/** Ends the mix of a call without a copy (a crash of the call, a track withdrawn). */
		drop: (conversationId: string) => serial(() => drop(conversationId))
	};
}
