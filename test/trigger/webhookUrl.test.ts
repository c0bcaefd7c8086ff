/* The trigger names n8n 2.40's setting for its webhook address: N8N_WEBHOOK_URL. */
import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { createHookContext } from '../support/n8n/fakeContext';

const methods = new WhatsAppGroupsTrigger().webhookMethods.default;

describe('a trigger that n8n gave no webhook URL', () => {
	it('refuses to activate and names N8N_WEBHOOK_URL', async () => {
		const { context } = createHookContext({
			parameters: { verifySignatures: true, destination: 'phoneNumber', phoneNumberId: '123' },
			credentials: {
				accessToken: 'user-token',
				businessAccountId: 'WABA_1',
				appId: 'APP_1',
				appSecret: 'app-secret',
				graphApiVersion: 'v26.0',
				baseUrl: 'https://graph.test',
			},
			webhookUrl: '',
		});
		const error = await methods.create.call(context).catch((e: unknown) => e);
		expect(error).toMatchObject({
			name: 'NodeOperationError',
			message:
				"n8n gave this trigger no webhook URL. Check n8n's N8N_WEBHOOK_URL setting (WEBHOOK_URL in older n8n versions) and activate again.",
		});
	});
});
