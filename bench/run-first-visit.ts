// `npx tsx bench/run-first-visit.ts`: the first-visit part of `npm run bench`, alone.
import { firstVisit } from './first-visit';
import { startBenchServer } from './server';

const server = await startBenchServer();
try {
	for (const figure of await firstVisit({ url: server.url }))
		console.log(`${figure.name}\t${figure.value}\t${figure.unit}${figure.error ? `\t${figure.error}` : ''}`);
} finally {
	await server.stop();
}
