import type { Writable } from 'node:stream';

export interface Logger {
	info(message: string, data?: Record<string, unknown>): void;
	warn(message: string, data?: Record<string, unknown>): void;
	error(message: string, data?: Record<string, unknown>): void;
}

/** One line per event: readable in a terminal, greppable in a log file. */
export function createLogger({ stream = process.stdout }: { stream?: Writable } = {}): Logger {
	const write = (level: string, message: string, data?: Record<string, unknown>) => {
		const extra = data && Object.keys(data).length > 0 ? ` ${JSON.stringify(data, errorReplacer)}` : '';
		stream.write(`${new Date().toISOString()} ${level} ${message}${extra}\n`);
	};
	return {
		info: (m, d) => write('info', m, d),
		warn: (m, d) => write('warn', m, d),
		error: (m, d) => write('error', m, d)
	};
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

function errorReplacer(_key: string, value: unknown) {
	if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
	return value;
}
