/**
 * jest hooks for a suite whose HTTP is answered by nock: no real network while it runs, every
 * interceptor removed after each test, and with `allUsed` a test fails when an interceptor it set
 * up was never called.
 */
import nock from 'nock';

export function useNock(options: { allUsed?: boolean } = {}): void {
	beforeAll(() => nock.disableNetConnect());
	afterEach(() => {
		const pending = nock.pendingMocks();
		nock.cleanAll();
		if (options.allUsed) expect(pending).toEqual([]);
	});
	afterAll(() => nock.enableNetConnect());
}
