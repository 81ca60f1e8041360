/**
 * Opening the microphone. Expected failures come back as a reason the page explains in plain words
 * (issue #5, "Before the call"); nothing here throws for them.
 */
export type MicProblem = 'denied' | 'not_found' | 'busy' | 'unsupported' | 'failed';
export type MicResult = { ok: true; stream: MediaStream } | { ok: false; problem: MicProblem };
export type Microphone = { deviceId: string; label: string };

/**
 * The same stream feeds the call and the recording. Echo cancellation keeps the partner's voice out
 * of this device's track when someone uses speakers; gain control and noise suppression would
 * colour the archived voice, so they stay off.
 */
export function micConstraints(deviceId?: string): MediaStreamConstraints {
	return {
		audio: {
			...(deviceId ? { deviceId: { exact: deviceId } } : {}),
			channelCount: 1,
			sampleRate: 48_000,
			echoCancellation: true,
			noiseSuppression: false,
			autoGainControl: false
		},
		video: false
	};
}

export async function openMicrophone(deviceId?: string): Promise<MicResult> {
	if (!navigator.mediaDevices?.getUserMedia) return { ok: false, problem: 'unsupported' };
	try {
		return { ok: true, stream: await navigator.mediaDevices.getUserMedia(micConstraints(deviceId)) };
	} catch (error) {
		const name = error instanceof DOMException ? error.name : '';
		if (name === 'NotAllowedError' || name === 'SecurityError') return { ok: false, problem: 'denied' };
		if (name === 'NotFoundError' || name === 'OverconstrainedError') return { ok: false, problem: 'not_found' };
		if (name === 'NotReadableError' || name === 'AbortError') return { ok: false, problem: 'busy' };
		return { ok: false, problem: 'failed' };
	}
}

export async function listMicrophones(): Promise<Microphone[]> {
	const devices = await navigator.mediaDevices.enumerateDevices();
	return devices
		.filter((d) => d.kind === 'audioinput' && d.deviceId !== '')
		.map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` }));
}

export function stopStream(stream: MediaStream | undefined) {
	for (const track of stream?.getTracks() ?? []) track.stop();
}
