// `npx tsx bench/run-weak-link.ts [--json]`: only the calls over shaped links (issue #18), as root.
// BENCH_WEAK_LINK_SECONDS sets each call's measured stretch (40 by default); BENCH_WEAK_LINK_PRESETS
// (e.g. `plain,fec,red`) runs them once per room audio preset (CALL_AUDIO_PRESET), side by side;
// BENCH_WEAK_LINK_PROFILES (e.g. `lossy,bad`) measures only those profiles, and
// BENCH_WEAK_LINK_UPLOAD_OFF=0 leaves out the call on lossy without the live upload.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Figure } from './figure';
import { weakLinkFigures } from './weak-link';

const json = process.argv.includes('--json');
const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
if (!existsSync('build/200.html')) execFileSync('npx', ['vite', 'build'], { stdio: 'ignore' });
const presets = (process.env.BENCH_WEAK_LINK_PRESETS ?? '').split(',').filter(Boolean);
const figures: Figure[] = [];
for (const preset of presets.length > 0 ? presets : [undefined]) {
	log(`Measuring calls over shaped links${preset ? ` with the ${preset} audio preset` : ''}…`);
	figures.push(...(await weakLinkFigures({ staticDir: 'build', log, preset })));
}
if (json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
else
	console.table(
		Object.fromEntries(
			figures.map((f) => [f.name, { value: f.value, unit: f.unit, goal: f.goal ?? '', error: f.error ?? '' }])
		)
	);
if (figures.some((f) => f.error)) process.exitCode = 1;
