import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
	scripts: Record<string, string>;
};

// Issue #14: on a fresh machine `npm run bench` failed until `npm test` had installed Chromium,
// espeak-ng, sox and ffmpeg. npm runs `prebench` before `bench`, as it runs `pretest` before `test`.
describe('npm run bench on a fresh machine', () => {
	it('installs the Debian packages it needs first, with the same step as npm test', () => {
		expect(scripts.prebench).toBe('bash scripts/system-deps.sh');
		expect(scripts.prebench).toBe(scripts.pretest);
	});
});
