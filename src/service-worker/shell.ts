/** The SPA fallback page written by adapter-static; every navigation renders from it. */
export const SHELL_URL = '/200.html';

/** Files we never want in the precache: large, optional, or loaded only on demand (e.g. the ffmpeg core). */
const EXCLUDED = [/^\/ffmpeg\//, /\.map$/];

/**
 * Workbox precache manifest. Files under /_app/immutable/ carry a content hash in their name, so they
 * need no revision; everything else is revisioned with the app version so a new build replaces it.
 */
export function precacheEntries({
	build,
	files,
	version
}: {
	build: string[];
	files: string[];
	version: string;
}): { url: string; revision: string | null }[] {
	const immutable = build.map((url) => ({ url, revision: url.includes('/immutable/') ? null : version }));
	const statics = files
		.filter((url) => !EXCLUDED.some((re) => re.test(url)))
		.map((url) => ({ url, revision: version }));
	return [...immutable, ...statics, { url: SHELL_URL, revision: version }];
}
