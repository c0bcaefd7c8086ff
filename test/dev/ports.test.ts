/* The ports `npm run dev` takes: the defaults when free, another one said out loud when not. */
import { choosePort } from '../../dev/lib/n8n';
import { occupyPort } from '../support/dev/processes';

describe('choosePort (npm run dev)', () => {
	it('takes the default port when it is free', async () => {
		const busy = await occupyPort();
		const free = busy.port;
		await busy.close();
		await expect(choosePort({ preferred: free, option: '--port' })).resolves.toEqual({
			port: free,
			moved: false,
		});
	});

	it('takes another free port when the default is in use, and says it moved', async () => {
		const busy = await occupyPort();
		try {
			const chosen = await choosePort({ preferred: busy.port, option: '--port' });
			expect(chosen.moved).toBe(true);
			expect(chosen.port).not.toBe(busy.port);
			expect(chosen.port).toBeGreaterThan(0);
		} finally {
			await busy.close();
		}
	});

	it('refuses a port given on the command line that is in use, naming the option', async () => {
		const busy = await occupyPort();
		try {
			await expect(
				choosePort({ requested: String(busy.port), preferred: 8787, option: '--sandbox-port' }),
			).rejects.toThrow(
				`--sandbox-port ${busy.port}: that port is in use on 127.0.0.1 (EADDRINUSE); choose another, or leave --sandbox-port out to take a free one`,
			);
		} finally {
			await busy.close();
		}
	});

	it('takes a free port given on the command line as it is', async () => {
		const busy = await occupyPort();
		const free = busy.port;
		await busy.close();
		await expect(
			choosePort({ requested: String(free), preferred: 5678, option: '--port' }),
		).resolves.toEqual({ port: free, moved: false });
	});

	it('refuses something that is not a port', async () => {
		await expect(
			choosePort({ requested: 'abc', preferred: 5678, option: '--port' }),
		).rejects.toThrow('--port abc: not a port number');
		await expect(
			choosePort({ requested: '70000', preferred: 5678, option: '--port' }),
		).rejects.toThrow('--port 70000: not a port number');
	});
});
