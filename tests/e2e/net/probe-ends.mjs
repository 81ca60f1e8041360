// Both ends of the UDP probes (probe.ts), each its own process at real-time priority, so a busy
// test process never adds its own lateness to what is measured. Times are CLOCK_MONOTONIC
// (process.hrtime), shared by every process on the machine, so each way is measured on its own.
//   reflect <port>: in a person's namespace; stamps each probe as it arrives and sends it back.
//     When stdin closes it prints {"received": n}.
//   send <from> <to> <port> <packets> <perSecond>: sends the probes, waits 2 s for the last
//     echoes and prints {"sent", "down": [ms…], "up": [ms…]} (one-way delays of the echoes that came).
import { createSocket } from 'node:dgram';

const SIZE = 64;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const [mode, ...args] = process.argv.slice(2);
const socket = createSocket('udp4');

if (mode === 'reflect') {
	let received = 0;
	socket.on('message', (probe, from) => {
		received++;
		probe.writeDoubleLE(now(), 8);
		socket.send(probe, from.port, from.address);
	});
	socket.bind(Number(args[0]), () => process.stdout.write('ready\n'));
	process.stdin.on('end', () => {
		process.stdout.write(`${JSON.stringify({ received })}\n`);
		socket.close();
	});
	process.stdin.resume();
} else if (mode === 'send') {
	const [from, to, port, packets, perSecond] = [
		args[0],
		args[1],
		Number(args[2]),
		Number(args[3]),
		Number(args[4])
	];
	const sentAt = [];
	const down = [];
	const up = [];
	socket.on('message', (probe) => {
		const arrived = now();
		const reflected = probe.readDoubleLE(8);
		down.push(reflected - sentAt[probe.readUInt32LE(0)]);
		up.push(arrived - reflected);
	});
	socket.bind(0, from, async () => {
		const start = now();
		for (let seq = 0; seq < packets; seq++) {
			const wait = start + (seq * 1000) / perSecond - now();
			if (wait > 1) await new Promise((r) => setTimeout(r, wait));
			const probe = Buffer.alloc(SIZE);
			probe.writeUInt32LE(seq, 0);
			sentAt[seq] = now();
			socket.send(probe, port, to);
		}
		await new Promise((r) => setTimeout(r, 2_000));
		process.stdout.write(`${JSON.stringify({ sent: packets, down, up })}\n`);
		socket.close();
	});
} else {
	process.stderr.write(
		'usage: probe-ends.mjs reflect <port> | send <from> <to> <port> <packets> <perSecond>\n'
	);
	process.exit(2);
}
