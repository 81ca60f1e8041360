/**
 * Delay before the next outbox attempt: exponential backoff with "full jitter", so that many devices
 * coming back online together (a library's wifi returning) don't retry in lockstep.
 */
export function retryDelay({
	attempt,
	random,
	baseMs = 1_000,
	maxMs = 5 * 60_000
}: {
	attempt: number;
	random: number;
	baseMs?: number;
	maxMs?: number;
}): number {
	const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
	// Never 0: a tight loop against a failing server helps no one.
	return Math.max(250, Math.round(random * ceiling));
}
