// `npx tsx bench/run-kiosk.ts [--json]`: only the kiosk's sealed recording (issue #16), on the bench server's build.
import { kioskFigures } from './kiosk';
import { startBenchServer } from './server';

// Only to make sure build/ exists (and to build it if not); the part starts its own server.
await (await startBenchServer()).stop();
{
	const figures = await kioskFigures();
	if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
	else
		console.table(
			Object.fromEntries(
				figures.map((f) => [
					f.name,
					{ value: f.value, unit: f.unit, goal: f.goal ?? '', error: f.error ?? '' }
				])
			)
		);
	if (figures.some((f) => f.error)) process.exitCode = 1;
}
