// `npm run bench`: prints a table of figures; `npm run bench -- --json` prints [{name, value, unit}].
import { firstVisit } from './first-visit';
import { mediaFigures } from './media';
import { signupThroughput } from './signup-throughput';
import { startBenchServer } from './server';

export type Figure = { name: string; value: number; unit: string; goal?: string };

const json = process.argv.includes('--json');
const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);

const server = await startBenchServer();
const figures: Figure[] = [];
try {
	log('Measuring the first visit in Chromium…');
	figures.push(...(await firstVisit({ url: server.url })));
	log('Measuring sign-up submissions with autocannon…');
	figures.push(...(await signupThroughput({ url: server.url, communityId: await server.communityId() })));
	log('Measuring encoding, share-track size and the mixdown…');
	figures.push(...(await mediaFigures()));
} finally {
	await server.stop();
}

if (json) {
	process.stdout.write(
		`${JSON.stringify(
			figures.map(({ name, value, unit }) => ({ name, value, unit })),
			null,
			2
		)}\n`
	);
} else {
	console.table(
		Object.fromEntries(figures.map((f) => [f.name, { value: f.value, unit: f.unit, goal: f.goal ?? '' }]))
	);
}
