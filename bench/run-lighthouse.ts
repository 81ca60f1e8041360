// `npx tsx bench/run-lighthouse.ts`: only the Lighthouse audit of the main routes, without the rest of `npm run bench`.
import { lighthouseScores } from './lighthouse';
import { startBenchServer } from './server';

const server = await startBenchServer();
try {
	const audit = await lighthouseScores({ app: server.app });
	for (const { route, accessibility, bestPractices, failed } of audit.details)
		console.log(
			`${route}: accessibility ${accessibility}, best practices ${bestPractices}${failed.length ? ` (failed: ${failed.join(', ')})` : ''}`
		);
	console.table(Object.fromEntries(audit.figures.map((f) => [f.name, { value: f.value, goal: f.goal }])));
} finally {
	await server.stop();
}
