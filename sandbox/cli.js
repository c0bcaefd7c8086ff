#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Plays the WhatsApp users (and WhatsApp itself) against a running sandbox.
 *   node sandbox/cli.js join <groupId|inviteLink> <phone> [--name "Ana"]
 * Run with --help for every command. The sandbox: --url, else SANDBOX_URL, else the sandbox of the
 * `npm run dev` running in this repository (its .n8n-dev/running.json), else http://127.0.0.1:8787.
 */
const { request } = require('./http-client');
const { readRunning, runningFile } = require('../dev/lib/running');

const DEFAULT_URL = 'http://127.0.0.1:8787';

const HELP = `Sandbox CLI: simulate WhatsApp users against a running sandbox

Usage: node sandbox/cli.js <command> [args] [--url <sandbox url>]

The sandbox: --url, else SANDBOX_URL, else the one \`npm run dev\` runs in this repository
(found through .n8n-dev/running.json, whatever its port), else ${DEFAULT_URL}.

  join <groupId|inviteLink> <phone>      open the invite link (joins, or asks to join
                                         when the group requires approval)
  request <groupId> <phone>              ask to join (a join request)
  withdraw <groupId> <phone>             withdraw a pending join request
  leave <groupId> <phone>                leave the group
  say <groupId> <phone> <text...>        write a text message in the group
  send-image <groupId> <phone> [caption] send an image in the group
  change-user-id <BSUID|phone>           the user's business-scoped user ID changes
          [--new-user-id <BSUID>]         (user_id_update and a user_changed_user_id system message)
  suspend <groupId>                      WhatsApp suspends the group
  clear <groupId>                        WhatsApp lifts the suspension
  groups                                 list groups (id, subject, owning business number,
                                         participants, invite link)
  messages <groupId> [--json]            the group's messages: time, sender, type, text,
                                         caption or template, and their statuses
  state                                  dump the whole state as JSON
  seed <count> [--seed s] [--phone id]   replace the number's groups with <count> seeded ones
  fault <json>                           add a fault rule, e.g. '{"kind":"rate_limit","count":2}'
  faults                                 list fault rules;  faults clear: remove them all
  deliveries [field]                     webhook deliveries made so far
  redeliver <deliveryId>                 deliver a recorded webhook again (same bytes)
  webhook <field> <valueJson>            send one hand-made webhook to the routed destination
          [--signature valid|invalid|missing] [--phone id] [--to url]
  expire-cursors                         make every paging cursor expire
  reset                                  back to an empty sandbox

  User options: --name <display name>  --user-id <BSUID>  --username <name>  --hide-phone
`;

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {string[]} */
	const positional = [];
	/** @type {Record<string, string | boolean>} */
	const options = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg.startsWith('--')) {
			const name = arg.slice(2);
			if (name === 'hide-phone' || name === 'help' || name === 'json') options[name] = true;
			else options[name] = argv[++i] ?? '';
		} else {
			positional.push(arg);
		}
	}
	return { positional, options };
}

/**
 * Which sandbox to talk to, and why that one.
 * @param {string | boolean | undefined} option --url
 * @returns {{url: string, from: string}}
 */
function sandboxUrl(option) {
	/** @param {string} url */
	const clean = (url) => url.replace(/\/+$/, '');
	if (typeof option === 'string' && option) return { url: clean(option), from: '--url' };
	if (process.env.SANDBOX_URL) return { url: clean(process.env.SANDBOX_URL), from: 'SANDBOX_URL' };
	const dev = readRunning();
	if (dev) return { url: clean(dev.sandbox.url), from: `npm run dev, PID ${dev.pid}` };
	// Not silent: the sandbox on the default port may be another clone's.
	process.stderr.write(
		`No npm run dev is running in this repository (no live ${runningFile()}): using ${DEFAULT_URL}.\n`,
	);
	return { url: DEFAULT_URL, from: 'the default' };
}

/** @typedef {import('./types').MessageRecord} MessageRecord */

/**
 * A group's messages, one line each (time, ID, sender, type, what it says) and a line with their
 * statuses.
 * @param {{ group_id: string, phone_number_id: string, deleted: boolean, messages: MessageRecord[] }} log
 */
function formatMessages(log) {
	const lines = [
		`Group ${log.group_id} of number ${log.phone_number_id}${log.deleted ? ' (deleted)' : ''}: ${log.messages.length} message${log.messages.length === 1 ? '' : 's'}`,
	];
	for (const m of log.messages) {
		const time = new Date(m.timestamp * 1000).toISOString().replace('.000Z', 'Z');
		const sender = m.from.business
			? `business +${m.from.display_phone_number}`
			: `${m.from.username ? `@${m.from.username} ` : ''}${m.from.name}${m.from.wa_id ? ` (${m.from.wa_id})` : ''}${m.from.user_id ? ` [${m.from.user_id}]` : ''}`;
		lines.push(`${time}  ${m.id}  ${sender}  ${m.type}${describe(m) ? `  ${describe(m)}` : ''}`);
		const statuses = statusSummary(m);
		if (statuses) lines.push(`    ${statuses}`);
	}
	return `${lines.join('\n')}\n`;
}

/** @param {MessageRecord} m */
function describe(m) {
	if (m.text !== undefined) return JSON.stringify(m.text);
	if (m.template)
		return `${m.template.name}${m.template.language ? ` (${m.template.language})` : ''}`;
	if (m.pin)
		return `${m.pin.type === 'unpin' ? 'unpin ' : ''}${m.pin.message_id}${m.pin.expiration_days ? ` for ${m.pin.expiration_days} days` : ''}`;
	const parts = [];
	if (m.caption !== undefined) parts.push(`caption ${JSON.stringify(m.caption)}`);
	if (m.filename) parts.push(`file ${JSON.stringify(m.filename)}`);
	if (m.mime_type) parts.push(m.mime_type);
	if (m.media?.link) parts.push(m.media.link);
	else if (m.media?.id) parts.push(`media ${m.media.id}`);
	return parts.join(', ');
}

/**
 * "sent · delivered 2/3 · read 1/3 · failed 1 (131000 …)": per-participant statuses counted
 * against the participants the message went to.
 * @param {MessageRecord} m
 */
function statusSummary(m) {
	if (m.statuses.length === 0) return m.from.business ? 'no status yet' : '';
	/** @type {string[]} */
	const parts = [];
	for (const status of ['sent', 'delivered', 'read', 'failed']) {
		const of = m.statuses.filter((s) => s.status === status);
		if (of.length === 0) continue;
		const who = new Set(of.map((s) => s.participant ?? s.participant_user_id).filter(Boolean));
		let text = status;
		if (who.size > 0 && m.recipients) text += ` ${who.size}/${m.recipients}`;
		else if (of.length > 1) text += ` ×${of.length}`;
		const errors = of.flatMap((s) => s.errors ?? []);
		if (errors.length > 0)
			text += ` (${errors.map((e) => [e.code, e.message, e.details].filter(Boolean).join(' ')).join('; ')})`;
		parts.push(text);
	}
	return parts.join(' · ');
}

async function main() {
	const { positional, options } = parseArgs(process.argv.slice(2));
	const [command, ...args] = positional;
	if (!command || options.help || command === 'help') {
		process.stdout.write(HELP);
		return;
	}
	const { url: base, from } = sandboxUrl(options.url);
	/**
	 * @param {string} method
	 * @param {string} path
	 * @param {unknown} [json]
	 */
	const call = async (method, path, json) => {
		const response = await request(`${base}/_sandbox${path}`, { method, json }).catch((error) => {
			throw new Error(
				`No answer from the sandbox at ${base} (${from}): ${error instanceof Error ? error.message : error}. Start \`npm run dev\` (or \`npm run sandbox\`) in this repository, or pass --url.`,
			);
		});
		if (response.status >= 400) {
			throw new Error(`${response.status}: ${response.body?.error?.message ?? response.text}`);
		}
		return response.body;
	};
	const user = () => {
		if (!args[1] && !options['user-id']) throw new Error(`${command} needs a phone number`);
		return {
			phone: args[1],
			name: options.name || undefined,
			user_id: options['user-id'] || undefined,
			username: options.username || undefined,
			hide_phone: options['hide-phone'] || undefined,
		};
	};
	/** @param {string | undefined} value */
	const need = (value) => {
		if (!value) throw new Error(`${command} needs more arguments; see --help`);
		return value;
	};
	/** @type {unknown} */
	let result;
	switch (command) {
		case 'join': {
			const target = need(args[0]);
			const where = target.includes('chat.whatsapp.com')
				? { invite_link: target }
				: { group_id: target };
			result = await call('POST', '/users/join', { ...where, ...user() });
			break;
		}
		case 'request':
			result = await call('POST', '/users/request', { group_id: need(args[0]), ...user() });
			break;
		case 'withdraw':
			result = await call('POST', '/users/withdraw', { group_id: need(args[0]), ...user() });
			break;
		case 'leave':
			result = await call('POST', '/users/leave', { group_id: need(args[0]), ...user() });
			break;
		case 'say':
			result = await call('POST', '/users/message', {
				group_id: need(args[0]),
				...user(),
				text: need(args.slice(2).join(' ')),
			});
			break;
		case 'send-image':
			result = await call('POST', '/users/message', {
				group_id: need(args[0]),
				...user(),
				type: 'image',
				caption: args.slice(2).join(' ') || undefined,
			});
			break;
		case 'change-user-id': {
			const who = need(args[0]);
			result = await call('POST', '/users/change-user-id', {
				...(/^[A-Z]{2}\./.test(who) ? { user_id: who } : { phone: who }),
				new_user_id: options['new-user-id'] || undefined,
			});
			break;
		}
		case 'suspend':
			result = await call('POST', `/groups/${encodeURIComponent(need(args[0]))}/suspend`);
			break;
		case 'clear':
			result = await call('POST', `/groups/${encodeURIComponent(need(args[0]))}/clear-suspension`);
			break;
		case 'groups': {
			/** @type {{ phone_numbers: { id: string, display_phone_number: string }[], groups: { id: string, phone_number_id: string, subject: string, participants: unknown[], join_approval_mode: string, suspended: boolean, invite_link: string }[] }} */
			const state = await call('GET', '/state');
			const numbers = new Map(state.phone_numbers.map((p) => [p.id, p.display_phone_number]));
			for (const g of state.groups) {
				const display = numbers.get(g.phone_number_id);
				process.stdout.write(
					`${g.id}  ${g.subject}  (number ${g.phone_number_id}${display ? ` +${display}` : ''}, ${g.participants.length} participants, ${g.join_approval_mode}${g.suspended ? ', SUSPENDED' : ''})  ${g.invite_link}\n`,
				);
			}
			return;
		}
		case 'messages': {
			/** @type {{ group_id: string, phone_number_id: string, deleted: boolean, messages: MessageRecord[] }} */
			const log = await call('GET', `/groups/${encodeURIComponent(need(args[0]))}/messages`);
			if (options.json) {
				result = log;
				break;
			}
			process.stdout.write(formatMessages(log));
			return;
		}
		case 'state':
			result = await call('GET', '/state');
			break;
		case 'seed':
			result = await call('POST', '/seed', {
				count: Number(need(args[0])),
				seed: options.seed || undefined,
				phone_number_id: options.phone || undefined,
			});
			break;
		case 'fault':
			result = await call('POST', '/faults', JSON.parse(need(args[0])));
			break;
		case 'faults':
			result = args[0] === 'clear' ? await call('DELETE', '/faults') : await call('GET', '/faults');
			break;
		case 'deliveries':
			result = await call(
				'GET',
				`/deliveries${args[0] ? `?field=${encodeURIComponent(args[0])}` : ''}`,
			);
			break;
		case 'redeliver':
			result = await call('POST', `/deliveries/${encodeURIComponent(need(args[0]))}/redeliver`);
			break;
		case 'webhook':
			result = await call('POST', '/webhooks/send', {
				field: need(args[0]),
				value: JSON.parse(need(args[1])),
				signature: options.signature || undefined,
				phone_number_id: options.phone || undefined,
				url: options.to || undefined,
			});
			break;
		case 'expire-cursors':
			result = await call('POST', '/cursors/expire');
			break;
		case 'reset':
			result = await call('POST', '/reset');
			break;
		default:
			throw new Error(`Unknown command ${command}; see --help`);
	}
	process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
