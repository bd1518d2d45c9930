/**
 * Runs one unit of delivery work at a time, whenever something may be waiting: on a wake-up
 * (a commit notice), on a steady poll (commits a notice did not reach: other processes on
 * SQLite, a lost LISTEN connection on PostgreSQL), and again at once while work says there is
 * more. A failure is reported and retried with exponential backoff; nothing is skipped, since
 * the work itself only moves its cursor after success. close() leaves no timer behind.
 */
export interface PumpOptions {
	/** How often to look without a wake-up. */
	pollIntervalMs: number;
	/** First retry delay after a failure; doubles per failure up to retryMaxMs. */
	retryInitialMs?: number;
	retryMaxMs?: number;
	onError?: (error: Error, info: { attempt: number; retryInMs: number }) => void;
}

export class Pump {
	private running: Promise<void> | null = null;
	private dirty = false;
	private closed = false;
	private failures = 0;
	/** A failure reported through fail() that no success has answered yet. */
	private failedOutside = false;
	private pollTimer: NodeJS.Timeout | undefined;
	private retryTimer: NodeJS.Timeout | undefined;

	/** work resolves true when it stopped with more to do (a full batch). */
	constructor(
		private readonly work: () => Promise<boolean>,
		private readonly options: PumpOptions,
	) {}

	start() {
		if (this.closed || this.pollTimer) return;
		this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs);
		this.pollTimer.unref?.();
		this.wake();
	}

	/** Something may be waiting: run the work now, or right after the current run. */
	wake() {
		if (this.closed) return;
		this.dirty = true;
		// While backing off, wait for the retry timer: a failing store is not hammered on every notice.
		if (this.running || this.retryTimer) return;
		this.running = this.loop().finally(() => {
			this.running = null;
			if (this.dirty && !this.closed && !this.retryTimer) this.wake();
		});
	}

	/** Resolves once nothing is running or pending (tests use it to wait for delivery). */
	async idle(): Promise<void> {
		while (this.running) await this.running;
	}

	/**
	 * A failure found outside work (a hand-over that failed after work returned): reported and
	 * retried with backoff like a failed work. Failures reported while a retry is pending join it.
	 */
	fail(error: Error) {
		if (this.closed) return;
		this.failedOutside = true;
		this.dirty = true;
		if (this.retryTimer) return;
		this.backOff(error);
	}

	/** Something was delivered: the next failure starts the backoff from the beginning. */
	recovered() {
		this.failedOutside = false;
		this.failures = 0;
	}

	get failing() {
		return this.failures > 0;
	}

	async close(): Promise<void> {
		this.closed = true;
		clearInterval(this.pollTimer);
		clearTimeout(this.retryTimer);
		this.pollTimer = this.retryTimer = undefined;
		await this.idle();
	}

	private async loop() {
		while (this.dirty && !this.closed) {
			this.dirty = false;
			try {
				if (await this.work()) this.dirty = true;
				// Work that only re-sent failed hand-overs proves nothing until one of them succeeds.
				if (!this.failedOutside) this.failures = 0;
			} catch (error) {
				this.backOff(error);
				return;
			}
			if (this.retryTimer) return; // a hand-over failed meanwhile: wait for its retry
		}
	}

	private backOff(error: unknown) {
		this.failures++;
		const initial = this.options.retryInitialMs ?? 250;
		const delay = Math.min(initial * 2 ** (this.failures - 1), this.options.retryMaxMs ?? 30_000);
		try {
			this.options.onError?.(error instanceof Error ? error : new Error(String(error)), { attempt: this.failures, retryInMs: delay });
		} catch {
			// A failing error reporter must not stop delivery.
		}
		if (this.closed) return;
		this.retryTimer = setTimeout(() => {
			this.retryTimer = undefined;
			this.wake();
		}, delay);
		this.retryTimer.unref?.();
	}
}
