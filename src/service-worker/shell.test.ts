import { describe, expect, it } from 'vitest';
import { precacheEntries, SHELL_URL } from './shell';

describe('precacheEntries', () => {
	const entries = precacheEntries({
		build: ['/_app/immutable/entry/start.abc123.js', '/_app/version.json'],
		files: ['/manifest.webmanifest', '/icons/icon-192.png', '/ffmpeg/ffmpeg-core.wasm', '/x.js.map'],
		version: 'v7'
	});

	it('does not revision hashed chunks, and revisions everything else with the app version', () => {
		expect(entries).toContainEqual({ url: '/_app/immutable/entry/start.abc123.js', revision: null });
		expect(entries).toContainEqual({ url: '/_app/version.json', revision: 'v7' });
		expect(entries).toContainEqual({ url: '/manifest.webmanifest', revision: 'v7' });
	});

	it('always includes the shell page, and leaves out on-demand and debug files', () => {
		expect(entries).toContainEqual({ url: SHELL_URL, revision: 'v7' });
		expect(entries.map((e) => e.url)).not.toContain('/ffmpeg/ffmpeg-core.wasm');
		expect(entries.map((e) => e.url)).not.toContain('/x.js.map');
	});
});
