// @ts-check
'use strict';

/**
 * HTTP routing: the Graph API under /<vN.N>/…, the sandbox's own control endpoints under
 * /_sandbox/…. Every Graph request is authenticated, passes the fault injector, and gets Meta's
 * error shapes.
 */
const { parseBody } = require('./body');
const { parseMaybeJson } = require('./util');
const { GraphError, waError, ControlError } = require('./http/errors');
const groups = require('./model/groups');
const inviteLinks = require('./model/inviteLinks');
const joinRequests = require('./model/joinRequests');
const participants = require('./model/participants');
const messages = require('./model/messages');
const lookups = require('./model/lookups');
const { applyFaults, serverError, normalizeFault } = require('./sim/faults');
const destinations = require('./webhooks/destinations');
const delivery = require('./webhooks/delivery');

/** @typedef {import('./state').Sandbox} Sandbox */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./body').ParsedBody} ParsedBody */
/** @typedef {import('./types').GraphCall} GraphCall */

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=UTF-8',
		'content-length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

/**
 * @param {Sandbox} sandbox
 * @param {ServerResponse} res
 * @param {GraphError} error
 */
function sendGraphError(sandbox, res, error) {
	sendJson(
		res,
		error.status,
		{ error: { ...error.error, fbtrace_id: sandbox.newFbtraceId() } },
		error.headers,
	);
}

/**
 * @param {Sandbox} sandbox
 * @returns {(req: IncomingMessage, res: ServerResponse) => void}
 */
function createHandler(sandbox) {
	return (req, res) => {
		handle(sandbox, req, res).catch((error) => {
			if (res.headersSent) {
				res.destroy();
				return;
			}
			if (error instanceof GraphError) {
				sendGraphError(sandbox, res, error);
				return;
			}
			if (error instanceof ControlError) {
				sendJson(res, error.status, { error: { message: error.message } });
				return;
			}
			const status = typeof error?.statusCode === 'number' ? error.statusCode : 500;
			sandbox.log(
				`sandbox: ${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : String(error)}`,
			);
			sendJson(res, status, {
				error: {
					message: error instanceof Error ? error.message : String(error),
					type: 'SandboxError',
					code: 1,
				},
			});
		});
	};
}

/**
 * @param {Sandbox} sandbox
 * @param {IncomingMessage} req
 * @param {ServerResponse} res
 */
async function handle(sandbox, req, res) {
	const url = new URL(req.url ?? '/', 'http://sandbox.local');
	const method = (req.method ?? 'GET').toUpperCase();
	const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
	if (segments[0] === '_sandbox') {
		const body = await parseBody(req);
		const result = await control(sandbox, method, segments.slice(1), url.searchParams, body);
		sendJson(res, result.status ?? 200, result.body);
		return;
	}
	if (segments.length === 0 || !/^v\d+\.\d+$/.test(segments[0])) {
		throw new GraphError(404, {
			message: `Unknown path ${url.pathname}: Graph API paths start with a version, for example /v26.0/<id>`,
			type: 'GraphMethodException',
			code: 2500,
		});
	}
	const version = segments[0];
	const parts = segments.slice(1);

	const tokenKind = authenticate(sandbox, req, url.searchParams);
	const body = await parseBody(req);
	if (body.error) throw waError(100, `Invalid request body: ${body.error}`);
	/** @type {Record<string, unknown>} */
	const params = {};
	for (const [key, value] of url.searchParams)
		if (key !== 'access_token') params[key] = parseMaybeJson(value);
	for (const [key, value] of Object.entries(body.fields)) params[key] = parseMaybeJson(value);

	const { partial, errorAfter } = await applyFaults(sandbox, method, `/${parts.join('/')}`);

	/** @type {GraphCall} */
	const ctx = { method, version, parts, query: url.searchParams, params, body, tokenKind, partial };
	const result = await graph(sandbox, ctx);
	sandbox.log(`${method} ${url.pathname} → ${result.status ?? 200}`);
	if (errorAfter) throw serverError(errorAfter);
	sendJson(res, result.status ?? 200, result.body);
}

/**
 * Bearer header or access_token query; the system-user token, or the app token APP_ID|APP_SECRET.
 * @param {Sandbox} sandbox
 * @param {IncomingMessage} req
 * @param {URLSearchParams} query
 * @returns {'user' | 'app'}
 */
function authenticate(sandbox, req, query) {
	const header = String(req.headers.authorization ?? '');
	const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
	const token = match ? match[1].trim() : (query.get('access_token') ?? '');
	if (!token) {
		throw waError(190, undefined, {
			message: 'An active access token must be used to query information about the current user.',
		});
	}
	if (token === sandbox.token) return 'user';
	if (token === `${sandbox.appId}|${sandbox.appSecret}`) return 'app';
	throw waError(190, undefined, {
		message: 'Invalid OAuth access token - Cannot parse access token',
	});
}

/** @param {GraphCall} ctx */
function fieldsOf(ctx) {
	const raw = ctx.params.fields;
	if (raw === undefined || raw === '') return [];
	return String(raw)
		.split(',')
		.map((f) => f.trim())
		.filter(Boolean);
}

/**
 * @param {GraphCall} ctx
 * @returns {never}
 */
function unknownEdge(ctx) {
	throw new GraphError(400, {
		message: `Unknown path components: /${ctx.parts.slice(1).join('/')}`,
		type: 'OAuthException',
		code: 2500,
	});
}

/**
 * @param {GraphCall} ctx
 * @returns {never}
 */
function unsupported(ctx) {
	throw new GraphError(400, {
		message: `Unsupported ${ctx.method.toLowerCase()} request. Object with ID '${ctx.parts[0]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
		type: 'GraphMethodException',
		code: 100,
		error_subcode: 33,
	});
}

/** @param {GraphCall} ctx */
function requireUserToken(ctx) {
	if (ctx.tokenKind !== 'user') {
		throw waError(200, undefined, {
			status: 403,
			message: 'Permissions error: use a system-user access token with whatsapp_business_messaging',
		});
	}
}

/** @param {GraphCall} ctx */
function requireMessagingProduct(ctx) {
	if (ctx.params.messaging_product !== 'whatsapp') {
		throw waError(100, 'The parameter messaging_product is required and must be "whatsapp"');
	}
}

/**
 * @param {Sandbox} sandbox
 * @param {GraphCall} ctx
 * @returns {Promise<{ status?: number, body: unknown }>}
 */
async function graph(sandbox, ctx) {
	const [id, edge, ...rest] = ctx.parts;
	const { method } = ctx;
	if (!id) unsupported(ctx);
	if (rest.length > 0) unknownEdge(ctx);

	// The app: webhook subscriptions, app token only.
	if (id === sandbox.appId) {
		if (edge === undefined && method === 'GET')
			return { body: { id: sandbox.appId, name: 'Sandbox App' } };
		if (edge !== 'subscriptions') unknownEdge(ctx);
		if (ctx.tokenKind !== 'app')
			throw waError(15, undefined, {
				message: 'This method must be called with an app access_token.',
			});
		if (method === 'GET') return { body: destinations.listAppSubscriptions(sandbox) };
		if (method === 'POST') return { body: await destinations.subscribeApp(sandbox, ctx.params) };
		if (method === 'DELETE') return { body: destinations.unsubscribeApp(sandbox, ctx.params) };
		unsupported(ctx);
	}
	requireUserToken(ctx);

	// The WhatsApp Business Account.
	if (id === sandbox.wabaId) {
		if (edge === undefined) {
			if (method !== 'GET') unsupported(ctx);
			/** @type {Record<string, unknown>} */
			const out = { id: sandbox.wabaId };
			const fields = fieldsOf(ctx);
			for (const field of fields) {
				if (field === 'id') continue;
				if (field === 'name') out.name = sandbox.wabaName;
				else if (field === 'currency') out.currency = 'USD';
				else if (field === 'timezone_id') out.timezone_id = '1';
				else if (field === 'message_template_namespace')
					out.message_template_namespace = 'sandbox_namespace';
				else
					throw waError(100, undefined, {
						message: `Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessAccount)`,
					});
			}
			return { body: out };
		}
		if (edge === 'phone_numbers') {
			if (method !== 'GET') unsupported(ctx);
			const known = ['id', 'display_phone_number', 'verified_name', 'quality_rating'];
			const asked = fieldsOf(ctx);
			const unknownField = asked.find((f) => !known.includes(f));
			if (unknownField) {
				throw waError(100, undefined, {
					message: `Tried accessing nonexisting field (${unknownField}) on node type (WhatsAppBusinessPhoneNumber)`,
				});
			}
			const wanted = asked.length ? ['id', ...asked.filter((f) => f !== 'id')] : known;
			const phones = [...sandbox.phones.values()].map((p) => {
				/** @type {Record<string, string>} */
				const row = {};
				for (const field of wanted)
					row[field] =
						p[
							/** @type {'id' | 'display_phone_number' | 'verified_name' | 'quality_rating'} */ (
								field
							)
						];
				return row;
			});
			return {
				body: {
					data: phones,
					paging: {
						cursors: {
							before: Buffer.from(phones[0]?.id ?? '').toString('base64url'),
							after: Buffer.from(phones[phones.length - 1]?.id ?? '').toString('base64url'),
						},
					},
				},
			};
		}
		if (edge === 'subscribed_apps') {
			if (method === 'GET') return { body: destinations.listWabaSubscriptions(sandbox) };
			if (method === 'POST') return { body: await destinations.subscribeWaba(sandbox, ctx.params) };
			if (method === 'DELETE') return { body: destinations.unsubscribeWaba(sandbox) };
			unsupported(ctx);
		}
		if (edge === 'message_template_library' && method === 'GET')
			return { body: templateLibrary(ctx) };
		unknownEdge(ctx);
	}
	if (id === 'message_template_library' && edge === undefined && method === 'GET')
		return { body: templateLibrary(ctx) };

	// A business phone number.
	const phone = lookups.phone(sandbox, id);
	if (phone) {
		if (edge === undefined) {
			if (method === 'GET') {
				/** @type {Record<string, unknown>} */
				const out = {};
				const fields = fieldsOf(ctx);
				const wanted = fields.length
					? fields
					: ['display_phone_number', 'verified_name', 'quality_rating'];
				for (const field of wanted) {
					if (field === 'id') continue;
					if (field === 'webhook_configuration')
						out.webhook_configuration = destinations.phoneWebhookConfiguration(sandbox, id);
					else if (
						field === 'display_phone_number' ||
						field === 'verified_name' ||
						field === 'quality_rating'
					)
						out[field] = phone[field];
					else
						throw waError(100, undefined, {
							message: `Tried accessing nonexisting field (${field}) on node type (WhatsAppBusinessPhoneNumber)`,
						});
				}
				out.id = phone.id;
				return { body: out };
			}
			if (method === 'POST') {
				if (ctx.params.webhook_configuration === undefined)
					throw waError(100, 'Nothing to update: send webhook_configuration');
				return {
					body: await destinations.setPhoneOverride(sandbox, id, ctx.params.webhook_configuration),
				};
			}
			unsupported(ctx);
		}
		if (edge === 'groups') {
			if (method === 'POST') {
				requireMessagingProduct(ctx);
				return { body: groups.createGroup(sandbox, id, ctx.params, ctx) };
			}
			if (method === 'GET')
				return { body: groups.activeGroups(sandbox, id, ctx.params, ctx.version) };
			unsupported(ctx);
		}
		if (edge === 'messages') {
			if (method !== 'POST') unsupported(ctx);
			requireMessagingProduct(ctx);
			return { body: messages.sendMessage(sandbox, id, ctx.params, ctx) };
		}
		unknownEdge(ctx);
	}

	// Anything else is taken for a group ID.
	if (edge === undefined) {
		if (method === 'GET') return { body: groups.groupInfo(sandbox, id, fieldsOf(ctx)) };
		if (method === 'DELETE') return { body: groups.deleteGroup(sandbox, id, ctx) };
		if (method === 'POST') {
			lookups.group(sandbox, id);
			requireMessagingProduct(ctx);
			const file =
				ctx.body.files.find((f) => f.field === 'file' || f.field === 'profile_picture_file') ??
				ctx.body.files[0];
			if (
				ctx.body.kind === 'multipart' &&
				!file &&
				ctx.params.subject === undefined &&
				ctx.params.description === undefined
			) {
				throw waError(100, 'The multipart body has no file part (name it "file")');
			}
			return { body: groups.updateSettings(sandbox, id, ctx.params, file, ctx) };
		}
		unsupported(ctx);
	}
	if (edge === 'invite_link') {
		if (method === 'GET') return { body: inviteLinks.getInviteLink(sandbox, id) };
		if (method === 'POST') {
			lookups.group(sandbox, id);
			requireMessagingProduct(ctx);
			return { body: inviteLinks.resetInviteLink(sandbox, id) };
		}
		unsupported(ctx);
	}
	if (edge === 'join_requests') {
		if (method === 'GET')
			return { body: joinRequests.listJoinRequests(sandbox, id, ctx.params, ctx.version) };
		if (method === 'POST' || method === 'DELETE') {
			lookups.group(sandbox, id);
			requireMessagingProduct(ctx);
			return {
				body: joinRequests.actOnJoinRequests(
					sandbox,
					id,
					ctx.params.join_requests,
					method === 'POST' ? 'approve' : 'reject',
					ctx,
				),
			};
		}
		unsupported(ctx);
	}
	if (edge === 'participants') {
		if (method !== 'DELETE') unsupported(ctx);
		lookups.group(sandbox, id);
		requireMessagingProduct(ctx);
		return participants.removeParticipants(sandbox, id, ctx.params.participants, ctx);
	}
	if (!sandbox.groups.has(id)) lookups.group(sandbox, id);
	unknownEdge(ctx);
}

/**
 * The invite-link template from the Template Library (canned).
 * @param {GraphCall} ctx
 */
function templateLibrary(ctx) {
	const topic = String(ctx.params.topic ?? '');
	const templates = [
		{
			name: 'group_invite_link',
			language: 'en',
			category: 'UTILITY',
			topic: 'group_invite_link',
			usecase: 'GROUP_INVITE',
			industry: ['E_COMMERCE'],
			header: 'You are invited',
			body: 'You have been invited to join the group {{1}}. Tap the button below to join.',
			body_params: ['group_id'],
			buttons: [{ type: 'URL', text: 'Join group' }],
			id: '100000000000020',
		},
	];
	return { data: templates.filter((t) => !topic || t.topic === topic) };
}

/**
 * @param {Sandbox} sandbox
 * @param {string} method
 * @param {string[]} parts  below /_sandbox
 * @param {URLSearchParams} query
 * @param {ParsedBody} body
 * @returns {Promise<{ status?: number, body: unknown }>}
 */
async function control(sandbox, method, parts, query, body) {
	if (body.error) throw new ControlError(400, body.error);
	/** @type {Record<string, unknown>} */
	const input = {};
	for (const [key, value] of query) input[key] = value;
	Object.assign(input, body.fields);
	const route = `${method} /${parts.join('/')}`;
	const [first, second, third] = parts;

	if (route === 'GET /config' || route === 'GET /') return { body: config(sandbox) };
	if (route === 'GET /state') return { body: sandbox.dump() };
	if (route === 'POST /reset') {
		sandbox.reset();
		return { body: { reset: true } };
	}
	if (route === 'GET /idle') {
		await sandbox.whenIdle();
		return { body: { idle: true } };
	}
	if (route === 'POST /seed') {
		return {
			body: sandbox.seed({
				count: Number(input.count ?? input.groups),
				seed: /** @type {string | undefined} */ (input.seed),
				phone_number_id: /** @type {string | undefined} */ (input.phone_number_id),
				epoch: input.epoch === undefined ? undefined : Number(input.epoch),
				append: input.append === true || input.append === 'true',
			}),
		};
	}
	if (first === 'faults') {
		if (method === 'GET' && !second) return { body: { faults: sandbox.faults } };
		if (method === 'POST' && !second) {
			const rules = Array.isArray(body.fields.faults) ? body.fields.faults : [input];
			return {
				body: {
					faults: rules.map((rule) => sandbox.addFault(/** @type {any} */ (normalizeFault(rule)))),
				},
			};
		}
		if (method === 'DELETE' && !second) {
			sandbox.faults = [];
			return { body: { faults: [] } };
		}
		if (method === 'DELETE' && second) {
			const before = sandbox.faults.length;
			sandbox.faults = sandbox.faults.filter((f) => f.id !== second);
			if (sandbox.faults.length === before) throw new ControlError(404, `No fault ${second}`);
			return { body: { faults: sandbox.faults } };
		}
	}
	if (first === 'deliveries' && !second) {
		if (method === 'GET') {
			const field = query.get('field');
			const list = sandbox.deliveries.filter((d) => !field || d.field === field);
			return { body: { deliveries: list } };
		}
		if (method === 'DELETE') {
			sandbox.deliveries = [];
			return { body: { deliveries: [] } };
		}
	}
	if (route === 'POST /webhooks/send') return { body: await delivery.sendWebhook(sandbox, input) };
	if (first === 'deliveries' && second && third === 'redeliver' && method === 'POST') {
		await sandbox.whenIdle();
		const result = delivery.redeliver(sandbox, Number(second));
		await sandbox.whenIdle();
		return { body: { ...result, delivery: sandbox.deliveries.find((d) => d.id === result.id) } };
	}
	if (route === 'POST /cursors/expire') {
		sandbox.expireCursors();
		return { body: { expired: true } };
	}
	if (first === 'requests' && second && method === 'GET') {
		const request = sandbox.requests.get(second);
		if (!request) throw new ControlError(404, `No request ${second}`);
		return { body: request };
	}
	if (first === 'users' && method === 'POST') {
		if (second === 'join') return { body: sandbox.simJoin(input) };
		if (second === 'request') return { body: sandbox.simRequest(input) };
		if (second === 'withdraw') return { body: sandbox.simWithdraw(input) };
		if (second === 'leave') return { body: sandbox.simLeave(input) };
		if (second === 'message') return { body: sandbox.simMessage(input) };
	}
	if (first === 'groups' && second && method === 'POST') {
		if (third === 'suspend') return { body: sandbox.simSuspend(second, true) };
		if (third === 'clear-suspension' || third === 'unsuspend')
			return { body: sandbox.simSuspend(second, false) };
	}
	if (first === 'phone_numbers' && second && method === 'POST') {
		const phone = lookups.phone(sandbox, second);
		if (!phone) throw new ControlError(404, `No phone number ${second}`);
		if (input.groups_eligible !== undefined)
			phone.groups_eligible = input.groups_eligible === true || input.groups_eligible === 'true';
		if (input.group_creation_disabled !== undefined) {
			phone.group_creation_disabled =
				input.group_creation_disabled === true || input.group_creation_disabled === 'true';
		}
		return { body: phone };
	}
	throw new ControlError(404, `No sandbox control endpoint ${route}. See GET /_sandbox/config.`);
}

/** @param {Sandbox} sandbox */
function config(sandbox) {
	const phones = [...sandbox.phones.values()];
	return {
		url: sandbox.baseUrl,
		graph_base_url: sandbox.baseUrl,
		graph_api_version: 'v26.0',
		access_token: sandbox.token,
		waba_id: sandbox.wabaId,
		phone_number_id: phones[0]?.id,
		phone_numbers: phones.map((p) => ({ id: p.id, display_phone_number: p.display_phone_number })),
		app_id: sandbox.appId,
		app_secret: sandbox.appSecret,
		app_access_token: `${sandbox.appId}|${sandbox.appSecret}`,
		control: [
			'GET /_sandbox/config',
			'GET /_sandbox/state',
			'GET /_sandbox/idle',
			'POST /_sandbox/reset',
			'POST /_sandbox/seed {count, seed?, phone_number_id?, append?}',
			'GET|POST|DELETE /_sandbox/faults, DELETE /_sandbox/faults/<id>',
			'GET|DELETE /_sandbox/deliveries, POST /_sandbox/deliveries/<id>/redeliver',
			'POST /_sandbox/webhooks/send {field, value | body | raw, phone_number_id?, signature: valid|invalid|missing, url?}',
			'POST /_sandbox/cursors/expire',
			'GET /_sandbox/requests/<request_id>',
			'POST /_sandbox/users/join|request|withdraw|leave|message',
			'POST /_sandbox/groups/<group_id>/suspend|clear-suspension',
			'POST /_sandbox/phone_numbers/<id> {groups_eligible?, group_creation_disabled?}',
		],
	};
}

module.exports = { createHandler, config };
