// @ts-check
'use strict';

/**
 * Seeding: a phone number filled with deterministic groups (same seed, same IDs, subjects,
 * participants and times), for paging tests, the bench and `npm run dev`.
 */
const { createRng, randomDigits } = require('../util');
const { ControlError } = require('../http/errors');
const { MAX_PARTICIPANTS, MAX_GROUPS_PER_NUMBER } = require('../model/validate');
const groups = require('../model/groups');
const { sortedGroups } = require('../model/paging');

/** @typedef {import('../state').Sandbox} Sandbox */

/**
 * Fills a phone number with `count` groups, deterministically from `seed`: same seed, same
 * ids, subjects, participants and times. Replaces the number's groups unless `append`.
 * @param {Sandbox} sb
 * @param {{ count: number, seed?: string | number, phone_number_id?: string, epoch?: number, append?: boolean }} input
 */
function seed(sb, input) {
	const count = Number(input.count);
	const phoneId = input.phone_number_id ?? [...sb.phones.keys()][0];
	const phone = sb.phones.get(phoneId);
	if (!phone) throw new ControlError(400, `Unknown phone number ${phoneId}`);
	if (!Number.isInteger(count) || count < 0 || count > MAX_GROUPS_PER_NUMBER) {
		throw new ControlError(400, `count must be an integer from 0 to ${MAX_GROUPS_PER_NUMBER}`);
	}
	if (!input.append) {
		for (const group of [...sb.groups.values()])
			if (group.phone_number_id === phoneId) groups.removeGroup(sb, group);
	}
	if (sortedGroups(sb, phoneId).length + count > MAX_GROUPS_PER_NUMBER) {
		throw new ControlError(400, `A phone number holds at most ${MAX_GROUPS_PER_NUMBER} groups`);
	}
	const seed = input.seed ?? 'seed';
	const rng = createRng(`${seed}:${phoneId}`);
	const epoch = input.epoch ?? 1767225600; // 2026-01-01T00:00:00Z
	const width = String(count).length;
	const mainRng = sb.rng;
	sb.rng = rng;
	try {
		for (let i = 0; i < count; i++) {
			const group = groups.insertGroup(sb, {
				id: sb.newGroupId(),
				phone_number_id: phoneId,
				subject: `Seeded group ${String(i + 1).padStart(width, '0')}`,
				description: rng() < 0.5 ? '' : `Deterministic test group ${i + 1} (seed ${seed})`,
				join_approval_mode: rng() < 0.3 ? 'approval_required' : 'auto_approve',
				creation_timestamp: epoch - (count - i) * 60,
			});
			const participants = Math.floor(rng() * (MAX_PARTICIPANTS + 1));
			for (let p = 0; p < participants; p++) {
				const waId = `1555${randomDigits(rng, 7)}`;
				group.participants.push({
					wa_id: waId,
					name: `Seed User ${waId.slice(-4)}`,
					joined_at: group.creation_timestamp + p,
				});
			}
			if (group.join_approval_mode === 'approval_required' && rng() < 0.5) {
				const waId = `1555${randomDigits(rng, 7)}`;
				group.join_requests.push({
					join_request_id: sb.newJoinRequestId(),
					wa_id: waId,
					name: `Seed User ${waId.slice(-4)}`,
					creation_timestamp: group.creation_timestamp + 30,
					seq: ++sb.groupSeq,
				});
			}
		}
	} finally {
		sb.rng = mainRng;
	}
	return {
		phone_number_id: phoneId,
		seeded: count,
		total: sortedGroups(sb, phoneId).length,
	};
}

module.exports = {
	seed,
};
