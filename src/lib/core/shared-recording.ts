/**
 * The recording's state as every device in the room agrees on it (issue #5, "Pause and stop"; issue
 * #15). Commands travel over the call's data channel, which can be down for seconds when a partner's
 * browser crashes or the link drops, so a command may reach only the device that gave it. Each
 * device therefore keeps the last change it knows with its server-synced time, tells the others on
 * every (re)connection, and the later change wins on both sides. Without the time, two devices that
 * reconnect simply swap states: one shows "Recording" while its recorder stays paused.
 */
export type SharedState = 'recording' | 'paused' | 'stopped';

export type SharedRecording = {
	id: string;
	state: SharedState;
	/** Server time of the start command: the timer counts from here. */
	startedAtServerMs: number;
	/** Time spent paused before the current state. */
	pausedMs: number;
	pausedAtServerMs?: number;
	/**
	 * Server time of the change that led to `state`. 0 when this device doesn't know it (it came back
	 * after a crash and picked the recording up from its own track): any change the others know wins.
	 */
	changedAtServerMs: number;
};

export type RecordingCommand =
	| { type: 'start'; recordingId: string; atServerMs: number }
	| { type: 'pause' | 'resume' | 'stop'; recordingId: string; atServerMs: number };

/** The state after `command`; the same object when the command changes nothing. */
export function applyCommand(
	shared: SharedRecording | undefined,
	command: RecordingCommand
): SharedRecording | undefined {
	const at = command.atServerMs;
	if (command.type === 'start') {
		if (shared && shared.state !== 'stopped') return shared;
		return {
			id: command.recordingId,
			state: 'recording',
			startedAtServerMs: at,
			pausedMs: 0,
			changedAtServerMs: at
		};
	}
	if (!shared || shared.id !== command.recordingId || shared.state === 'stopped') return shared;
	if (command.type === 'pause') {
		if (shared.state !== 'recording') return shared;
		return { ...shared, state: 'paused', pausedAtServerMs: at, changedAtServerMs: at };
	}
	if (command.type === 'resume') {
		if (shared.state !== 'paused') return shared;
		const pausedFor = Math.max(0, at - (shared.pausedAtServerMs ?? at));
		return {
			id: shared.id,
			state: 'recording',
			startedAtServerMs: shared.startedAtServerMs,
			pausedMs: shared.pausedMs + pausedFor,
			changedAtServerMs: at
		};
	}
	return { ...shared, state: 'stopped', changedAtServerMs: at };
}

const RANK: Record<SharedState, number> = { recording: 0, paused: 1, stopped: 2 };

/**
 * What a device adopts when another tells it its state: the newer recording, and within one
 * recording the later change. A stop is final for its recording whatever the times say, since
 * Stop ends the recording on every device. Ties (the same instant) go to the further state, so
 * both sides pick the same one. Returns `mine` itself when it wins.
 */
export function mergeShared(
	mine: SharedRecording | undefined,
	theirs: SharedRecording | null | undefined
): SharedRecording | undefined {
	if (!theirs) return mine;
	// Nothing to follow in a recording that ended before this device was there.
	if (!mine) return theirs.state === 'stopped' ? mine : theirs;
	if (mine.id !== theirs.id) {
		const newer =
			theirs.startedAtServerMs > mine.startedAtServerMs ||
			(theirs.startedAtServerMs === mine.startedAtServerMs && theirs.id > mine.id);
		return newer && theirs.state !== 'stopped' ? theirs : mine;
	}
	if (mine.state === 'stopped') return mine;
	if (theirs.state === 'stopped') return theirs;
	if (theirs.changedAtServerMs > mine.changedAtServerMs) return theirs;
	if (theirs.changedAtServerMs === mine.changedAtServerMs && RANK[theirs.state] > RANK[mine.state])
		return theirs;
	return mine;
}

/** The timer: time recorded since the start, without pauses, at server time `serverMs`. */
export function elapsedAt(shared: SharedRecording | undefined, serverMs: number): number {
	if (!shared) return 0;
	const until = shared.pausedAtServerMs ?? (shared.state === 'stopped' ? shared.changedAtServerMs : serverMs);
	return Math.max(0, until - shared.startedAtServerMs - shared.pausedMs);
}
