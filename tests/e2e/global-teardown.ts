import { strayProcesses } from './processes';
import { TMP } from './paths';

/**
 * After the last journey: nothing this run started may still be running (issue #15). Strays are
 * ended, and the run fails, so a leak is fixed rather than left to slow the next run down.
 */
export default async function globalTeardown() {
	const strays = strayProcesses(TMP);
	if (strays.length === 0) return;
	for (const { pid } of strays) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// ended meanwhile
		}
	}
	throw new Error(
		`These processes outlived the journeys that started them:\n${strays.map((s) => `  ${s.pid} ${s.command}`).join('\n')}`
	);
}
