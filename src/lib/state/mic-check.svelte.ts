import { createLevelMeter } from '../media/level-meter';
import { listMicrophones, openMicrophone, stopStream, type Microphone, type MicProblem } from '../media/microphone';
import { checkStorage, type StorageCheck } from '../media/storage-check';

const TEST_SECONDS = 5;

/**
 * The check before the call (issue #5, "Before the call"): microphone permission, choice of
 * device, a live level, a 5-second test recording played back, and room on the device.
 */
export class MicCheck {
	stream = $state.raw<MediaStream | undefined>();
	problem = $state<MicProblem | undefined>();
	devices = $state<Microphone[]>([]);
	deviceId = $state('');
	level = $state(0);
	storage = $state<StorageCheck | undefined>();
	test = $state<'idle' | 'recording' | 'ready'>('idle');
	testUrl = $state<string | undefined>();
	#meter: ReturnType<typeof createLevelMeter> | undefined;
	#frame = 0;

	async allow(deviceId?: string): Promise<void> {
		const result = await openMicrophone(deviceId);
		if (!result.ok) {
			this.problem = result.problem;
			return;
		}
		this.problem = undefined;
		stopStream(this.stream);
		this.stream = result.stream;
		this.deviceId = result.stream.getAudioTracks()[0]?.getSettings().deviceId ?? deviceId ?? '';
		this.devices = await listMicrophones();
		this.#startMeter(result.stream);
		this.storage ??= await checkStorage();
	}

	async choose(deviceId: string): Promise<void> {
		if (deviceId && deviceId !== this.deviceId) await this.allow(deviceId);
	}

	/** Records 5 s with MediaRecorder and offers it for playback: "can I hear myself?" */
	async recordTest(): Promise<void> {
		const stream = this.stream;
		if (!stream || this.test === 'recording') return;
		this.test = 'recording';
		const recorder = new MediaRecorder(stream);
		const chunks: Blob[] = [];
		recorder.ondataavailable = (e) => chunks.push(e.data);
		const done = new Promise<void>((resolve) => (recorder.onstop = () => resolve()));
		recorder.start();
		await new Promise((r) => setTimeout(r, TEST_SECONDS * 1000));
		recorder.stop();
		await done;
		if (this.testUrl) URL.revokeObjectURL(this.testUrl);
		this.testUrl = URL.createObjectURL(new Blob(chunks, { type: recorder.mimeType }));
		this.test = 'ready';
	}

	/** Hands the stream to the call; the meter stops, the stream keeps running. */
	release(): MediaStream | undefined {
		this.#stopMeter();
		return this.stream;
	}

	dispose() {
		this.#stopMeter();
		stopStream(this.stream);
		if (this.testUrl) URL.revokeObjectURL(this.testUrl);
	}

	#startMeter(stream: MediaStream) {
		this.#stopMeter();
		const meter = createLevelMeter(stream);
		this.#meter = meter;
		void meter.resume();
		const loop = () => {
			this.level = meter.level();
			this.#frame = requestAnimationFrame(loop);
		};
		loop();
	}

	#stopMeter() {
		cancelAnimationFrame(this.#frame);
		this.#meter?.close();
		this.#meter = undefined;
	}
}
