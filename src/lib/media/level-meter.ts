/**
 * A live input level from 0 to 1, for the meter people watch while they speak. The scale is
 * logarithmic (−60 dBFS → 0, 0 dBFS → 1) because that is how loudness is heard.
 */
export function levelFromRms(rms: number): number {
	if (rms <= 0) return 0;
	const db = 20 * Math.log10(rms);
	return Math.max(0, Math.min(1, (db + 60) / 60));
}

export function createLevelMeter(stream: MediaStream) {
	const context = new AudioContext();
	const analyser = context.createAnalyser();
	analyser.fftSize = 1024;
	const source = context.createMediaStreamSource(stream);
	source.connect(analyser);
	const buffer = new Float32Array(analyser.fftSize);
	return {
		resume: () => context.resume(),
		level(): number {
			analyser.getFloatTimeDomainData(buffer);
			let sum = 0;
			for (const s of buffer) sum += s * s;
			return levelFromRms(Math.sqrt(sum / buffer.length));
		},
		close() {
			source.disconnect();
			void context.close();
		}
	};
}
