/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';
import { clientsClaim } from 'workbox-core';
import { cacheFfmpegCoreOnUse } from './ffmpeg-cache';
import { listenForSkipWaiting } from './messages';
import { routeNavigationsToShell } from './navigation';
import { precacheShell } from './precache';

// One Workbox-based service worker (issue #2): precache the shell, serve navigations from it offline,
// and wait for the person to choose "Reload" before a new version takes over.
declare const self: ServiceWorkerGlobalScope;

precacheShell({ build, files, version });
routeNavigationsToShell();
cacheFfmpegCoreOnUse();
listenForSkipWaiting(self);
// The first install takes over the open page at once, so it can go offline without a reload. Updates
// still wait for skipWaiting, which only the person's "Reload" sends.
clientsClaim();
