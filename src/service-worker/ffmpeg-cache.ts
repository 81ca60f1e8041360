import { registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';

/**
 * The ffmpeg core is kept out of the precache (31 MB on first visit would hurt people on slow
 * links) and cached on first use instead, so encoding works offline after it ran once (issue #6).
 */
export const FFMPEG_CACHE = 'ffmpeg-core';

export function cacheFfmpegCoreOnUse() {
	registerRoute(
		({ url }) => url.pathname.startsWith('/ffmpeg/'),
		new CacheFirst({ cacheName: FFMPEG_CACHE })
	);
}
