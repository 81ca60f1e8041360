import { createConnection } from 'node:net';

/** One command on HAProxy's stats socket; `show stat` answers CSV. */
export function askHaproxy(socket: string, command: string): Promise<string> {
	return new Promise((resolve, reject) => {
		let answer = '';
		const connection = createConnection(socket, () => connection.end(`${command}\n`));
		connection.on('data', (chunk) => (answer += chunk.toString()));
		connection.on('end', () => resolve(answer));
		connection.on('error', reject);
	});
}
