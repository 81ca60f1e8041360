// `npx tsx bench/run-after-call.ts [--json]`: only the after-the-call figures (issue #6), on the bench server.
import { afterCallFigures } from './after-call';
import { startBenchServer } from './server';

// Only to make sure build/ exists (and to build it if not); each part starts its own server.
await (await startBenchServer()).stop();
{
	const figures = await afterCallFigures();
	if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
	else
		console.table(
			Object.fromEntries(figures.map((f) => [f.name, { value: f.value, unit: f.unit, goal: f.goal ?? '' }]))
		);
}
