// `npx tsx bench/run-call.ts [--json]`: only the real call (issue #5) and its stop → copy (issue #6).
// BENCH_RECORDING_MINUTES sets the call's length (10 by default).
import { callAndRecording } from './call';
import { startBenchServer } from './server';

const server = await startBenchServer();
try {
	const figures = await callAndRecording({ app: server.app });
	if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
	else
		console.table(
			Object.fromEntries(figures.map((f) => [f.name, { value: f.value, unit: f.unit, goal: f.goal ?? '' }]))
		);
} finally {
	await server.stop();
}
