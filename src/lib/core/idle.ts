/** A kiosk session's idle state (issue #7): a warning first, then the end, both extendable by any input. */
export type IdlePhase = { phase: 'active' } | { phase: 'warning'; secondsLeft: number } | { phase: 'ended' };

export function idlePhase({
	idleMs,
	warningSeconds,
	endSeconds
}: {
	idleMs: number;
	warningSeconds: number;
	endSeconds: number;
}): IdlePhase {
	const idle = Math.max(0, idleMs) / 1000;
	if (idle >= endSeconds) return { phase: 'ended' };
	if (idle >= warningSeconds) return { phase: 'warning', secondsLeft: Math.ceil(endSeconds - idle) };
	return { phase: 'active' };
}
