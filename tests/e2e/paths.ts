import { resolve } from 'node:path';

export const TMP = resolve('tests/e2e/.tmp');
export const BUILDS = {
	current: resolve(TMP, 'build-current'),
	next: resolve(TMP, 'build-next'),
	nextVersion: 'e2e-next'
};
