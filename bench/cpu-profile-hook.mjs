// Loaded into a server by bench/profile-signups.ts (NODE_OPTIONS=--import …; Node 20 refuses
// --cpu-prof there). SIGUSR2 starts the inspector's sampling profiler, so start-up stays out of
// it; at exit the profile is written to $CG_PROFILE_DIR/server.cpuprofile. In-process inspector
// calls answer synchronously, which is what lets the exit handler write it.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
let started = false;
process.on('SIGUSR2', () => {
	if (started) return;
	started = true;
	session.post('Profiler.enable');
	session.post('Profiler.start');
});
process.on('exit', () => {
	if (!started) return;
	session.post('Profiler.stop', (error, result) => {
		if (error) process.stderr.write(`The CPU profile could not be taken: ${error.message}\n`);
		else writeFileSync(`${process.env.CG_PROFILE_DIR}/server.cpuprofile`, JSON.stringify(result.profile));
	});
});
