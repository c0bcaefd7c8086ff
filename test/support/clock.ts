/**
 * A virtual clock for runs whose waits go through n8n-workflow's `sleep` (backoff, polling): the
 * suite mocks `sleep` (jest.mock at its top, as jest requires), and this makes every sleep
 * advance `Date.now()` by its length instead of waiting. Waits that compare `Date.now()` with a
 * deadline (Wait Timeout) then end as they would in real time, at once; `elapsedMs()` says how
 * long the run would have waited. `realWait`, if given, runs in every sleep too (a suite whose
 * sandbox has real timers lets a little real time pass per sleep).
 */
export interface VirtualClock {
	/** Virtual milliseconds slept since `install()`. */
	elapsedMs(): number;
	/** Every sleep's length, in order. */
	sleeps: number[];
	install(): void;
	uninstall(): void;
}

export function virtualClock(
	sleepMock: jest.Mock,
	options: { realWait?: () => Promise<void> } = {},
): VirtualClock {
	const { realWait } = options;
	const realNow = Date.now.bind(Date);
	let offset = 0;
	let nowSpy: jest.SpyInstance<number, []> | undefined;
	const clock: VirtualClock = {
		sleeps: [],
		elapsedMs: () => offset,
		install() {
			offset = 0;
			clock.sleeps.length = 0;
			sleepMock.mockImplementation(async (ms: number) => {
				clock.sleeps.push(ms);
				offset += ms;
				if (realWait) await realWait();
			});
			nowSpy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
		},
		uninstall() {
			nowSpy?.mockRestore();
			nowSpy = undefined;
			sleepMock.mockImplementation(async () => undefined);
		},
	};
	return clock;
}
