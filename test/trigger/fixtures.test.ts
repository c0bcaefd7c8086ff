/**
 * Every sample from Meta's Groups API pages (made valid JSON, placeholders kept) with the exact
 * items the trigger emits for it. Placeholders such as "TIMESTAMP" are not unix times, so those
 * items carry timestamp null rather than an invented date.
 */
import type { IDataObject } from 'n8n-workflow';

import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { parseDelivery } from '../../nodes/WhatsAppGroupsTrigger/webhook/events';
import { TRIGGER_EVENTS } from '../../nodes/WhatsAppGroupsTrigger/webhook/eventTypes';
import { fixtureFiles } from '../support/fixtures';
import { metaSignature } from '../support/meta';
import { createWebhookContext } from '../support/n8n/fakeContext';
import groupLifecycleUpdateCreateFail from '../fixtures/meta-doc-samples/group_lifecycle_update__create_fail.json';
import groupLifecycleUpdateCreateSucceed from '../fixtures/meta-doc-samples/group_lifecycle_update__create_succeed.json';
import groupLifecycleUpdateDeleteFail from '../fixtures/meta-doc-samples/group_lifecycle_update__delete_fail.json';
import groupLifecycleUpdateDeleteSucceed from '../fixtures/meta-doc-samples/group_lifecycle_update__delete_succeed.json';
import groupParticipantsUpdateJoinRequestApproved from '../fixtures/meta-doc-samples/group_participants_update__join_request_approved.json';
import groupParticipantsUpdateJoinRequestCreated from '../fixtures/meta-doc-samples/group_participants_update__join_request_created.json';
import groupParticipantsUpdateJoinRequestRevoked from '../fixtures/meta-doc-samples/group_participants_update__join_request_revoked.json';
import groupParticipantsUpdateJoinViaInviteLink from '../fixtures/meta-doc-samples/group_participants_update__join_via_invite_link.json';
import groupParticipantsUpdateParticipantLeaves from '../fixtures/meta-doc-samples/group_participants_update__participant_leaves.json';
import groupParticipantsUpdateRemoveFail from '../fixtures/meta-doc-samples/group_participants_update__remove_fail.json';
import groupParticipantsUpdateRemovePartialFail from '../fixtures/meta-doc-samples/group_participants_update__remove_partial_fail.json';
import groupParticipantsUpdateRemoveSucceed from '../fixtures/meta-doc-samples/group_participants_update__remove_succeed.json';
import groupSettingsUpdatePartialFail from '../fixtures/meta-doc-samples/group_settings_update__partial_fail.json';
import groupSettingsUpdateSucceed from '../fixtures/meta-doc-samples/group_settings_update__succeed.json';
import groupSettingsUpdateTotalFail from '../fixtures/meta-doc-samples/group_settings_update__total_fail.json';
import groupStatusUpdateSuspended from '../fixtures/meta-doc-samples/group_status_update__suspended.json';
import groupStatusUpdateSuspensionCleared from '../fixtures/meta-doc-samples/group_status_update__suspension_cleared.json';
import messagesGroupMessageReceived from '../fixtures/meta-doc-samples/messages__group_message_received.json';
import messagesGroupMessageReceivedExample from '../fixtures/meta-doc-samples/messages__group_message_received_example.json';
import messagesGroupMessageUnsupported from '../fixtures/meta-doc-samples/messages__group_message_unsupported.json';
import messagesGroupStatusAggregatedMultiMessage from '../fixtures/meta-doc-samples/messages__group_status_aggregated_multi_message.json';
import messagesGroupStatusAggregatedMultiParticipant from '../fixtures/meta-doc-samples/messages__group_status_aggregated_multi_participant.json';
import messagesGroupStatusDelivered from '../fixtures/meta-doc-samples/messages__group_status_delivered.json';
import messagesGroupStatusFailed from '../fixtures/meta-doc-samples/messages__group_status_failed.json';
import messagesGroupStatusReadWithPricing from '../fixtures/meta-doc-samples/messages__group_status_read_with_pricing.json';
import messagesGroupStatusReadWithoutPricing from '../fixtures/meta-doc-samples/messages__group_status_read_without_pricing.json';
import messagesGroupStatusSent from '../fixtures/meta-doc-samples/messages__group_status_sent.json';
import bsuidGroupStatus from '../fixtures/meta-bsuid-samples/messages__group_status.json';
import bsuidGroupStatusDelivered from '../fixtures/meta-bsuid-samples/messages__group_status_delivered.json';
import bsuidGroupStatusReadAggregated from '../fixtures/meta-bsuid-samples/messages__group_status_read_aggregated.json';
import bsuidGroupMessageReceived from '../fixtures/meta-bsuid-samples/messages__group_message_received.json';
import bsuidMessageReceivedExample from '../fixtures/meta-bsuid-samples/messages__message_received_example.json';
import bsuidStatusDeliveredToPhoneNumber from '../fixtures/meta-bsuid-samples/messages__status_delivered_to_phone_number_example.json';
import bsuidStatusDeliveredToBsuid from '../fixtures/meta-bsuid-samples/messages__status_delivered_to_bsuid_example.json';
import bsuidStatusFailed from '../fixtures/meta-bsuid-samples/messages__status_failed_example.json';
import bsuidRemoveByBusiness from '../fixtures/meta-bsuid-samples/group_participants_update__remove_by_business.json';
import bsuidParticipantLeaves from '../fixtures/meta-bsuid-samples/group_participants_update__participant_leaves.json';
import bsuidJoinViaInviteLink from '../fixtures/meta-bsuid-samples/group_participants_update__join_via_invite_link.json';
import bsuidJoinRequestCreated from '../fixtures/meta-bsuid-samples/group_participants_update__join_request_created.json';
import bsuidJoinRequestRevoked from '../fixtures/meta-bsuid-samples/group_participants_update__join_request_revoked.json';
import bsuidUserIdUpdate from '../fixtures/meta-bsuid-samples/user_id_update.json';
import bsuidSystemUserChangedUserId from '../fixtures/meta-bsuid-samples/messages__system_user_changed_user_id.json';
import bsuidSystemUserChangedNumber from '../fixtures/meta-bsuid-samples/messages__system_user_changed_number.json';

interface FixtureCase {
	file: string;
	delivery: unknown;
	expected: IDataObject[];
}

const cases: FixtureCase[] = [
	{
		file: 'group_lifecycle_update__create_fail.json',
		delivery: groupLifecycleUpdateCreateFail,
		expected: [
			{
				event: 'group_create_failed',
				field: 'group_lifecycle_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				subject: 'GROUP_SUBJECT',
				description: 'GROUP_DESCRIPTION',
				errors: [
					{
						code: 'ERROR_CODE',
						title: 'ERROR_TITLE',
						message: 'ERROR_MESSAGE',
						details: 'ERROR_DETAILS',
					},
				],
			},
		],
	},
	{
		file: 'group_lifecycle_update__create_succeed.json',
		delivery: groupLifecycleUpdateCreateSucceed,
		expected: [
			{
				event: 'group_created',
				field: 'group_lifecycle_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				subject: 'test invite link',
				inviteLink: 'https://chat.whatsapp.com/LINK_ID',
				joinApprovalMode: 'JOIN_APPROVAL_MODE',
			},
		],
	},
	{
		file: 'group_lifecycle_update__delete_fail.json',
		delivery: groupLifecycleUpdateDeleteFail,
		expected: [
			{
				event: 'group_delete_failed',
				field: 'group_lifecycle_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				errors: [
					{
						code: 'ERROR_CODE',
						title: 'ERROR_TITLE',
						message: 'ERROR_MESSAGE',
						details: 'ERROR_DETAILS',
					},
				],
			},
		],
	},
	{
		file: 'group_lifecycle_update__delete_succeed.json',
		delivery: groupLifecycleUpdateDeleteSucceed,
		expected: [
			{
				event: 'group_deleted',
				field: 'group_lifecycle_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
			},
		],
	},
	{
		file: 'group_participants_update__join_request_approved.json',
		delivery: groupParticipantsUpdateJoinRequestApproved,
		expected: [
			{
				event: 'participants_joined',
				field: 'group_participants_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'BUSINESS_PHONE_NUMBER_ID',
				displayPhoneNumber: 'BUSINESS_DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				reason: 'invite_link',
				participants: [
					{
						waId: 'WHATSAPP_USER_ID',
						input: 'WHATSAPP_USER_PHONE_NUMBER',
					},
				],
			},
		],
	},
	{
		file: 'group_participants_update__join_request_created.json',
		delivery: groupParticipantsUpdateJoinRequestCreated,
		expected: [
			{
				event: 'join_request_created',
				field: 'group_participants_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'BUSINESS_PHONE_NUMBER_ID',
				displayPhoneNumber: 'BUSINESS_DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				joinRequestId: 'JOIN_REQUEST_ID',
				reason: 'REASON_FOR_REQUEST_OUTCOME',
				participant: {
					waId: 'WHATSAPP_USER_ID',
				},
			},
		],
	},
	{
		file: 'group_participants_update__join_request_revoked.json',
		delivery: groupParticipantsUpdateJoinRequestRevoked,
		expected: [
			{
				event: 'join_request_revoked',
				field: 'group_participants_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'BUSINESS_PHONE_NUMBER_ID',
				displayPhoneNumber: 'BUSINESS_DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				joinRequestId: 'JOIN_REQUEST_ID',
				reason: 'REASON_FOR_REQUEST_OUTCOME',
				participant: {
					waId: 'WHATSAPP_USER_ID',
				},
			},
		],
	},
	{
		file: 'group_participants_update__join_via_invite_link.json',
		delivery: groupParticipantsUpdateJoinViaInviteLink,
		expected: [
			{
				event: 'participants_joined',
				field: 'group_participants_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				reason: 'invite_link',
				participants: [
					{
						waId: 'WHATSAPP_ID',
					},
				],
			},
		],
	},
	{
		file: 'group_participants_update__participant_leaves.json',
		delivery: groupParticipantsUpdateParticipantLeaves,
		expected: [
			{
				event: 'participant_left',
				field: 'group_participants_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				initiatedBy: 'participant',
				participants: [
					{
						waId: 'WHATSAPP_ID',
					},
				],
			},
		],
	},
	{
		file: 'group_participants_update__remove_fail.json',
		delivery: groupParticipantsUpdateRemoveFail,
		expected: [
			{
				event: 'participants_remove_failed',
				field: 'group_participants_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				initiatedBy: 'business',
				participants: [],
				failedParticipants: [
					{
						input: 'PHONE_NUMBER or WHATSAPP_ID',
					},
					{
						input: 'PHONE_NUMBER or WHATSAPP_ID',
					},
				],
				errors: [
					{
						code: 'ERROR_CODE',
						title: 'ERROR_TITLE',
						message: 'ERROR_MESSAGE',
						details: 'ERROR_DETAILS',
					},
				],
			},
		],
	},
	{
		file: 'group_participants_update__remove_partial_fail.json',
		delivery: groupParticipantsUpdateRemovePartialFail,
		expected: [
			{
				event: 'participants_removed',
				field: 'group_participants_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				initiatedBy: 'business',
				participants: [
					{
						input: 'PHONE_NUMBER or WHATSAPP_ID',
					},
				],
				failedParticipants: [
					{
						input: 'PHONE_NUMBER or WHATSAPP_ID',
						errors: [
							{
								code: 'ERROR_CODE',
								title: 'ERROR_TITLE',
								message: 'ERROR_MESSAGE',
								details: 'ERROR_DETAILS',
							},
						],
					},
				],
				errors: [
					{
						code: 'ERROR_CODE',
						title: 'Not All Participants Remove Succeeded',
						message: 'Failed to remove some participants from the group',
						details: 'ERROR_DETAILS',
					},
				],
			},
		],
	},
	{
		file: 'group_participants_update__remove_succeed.json',
		delivery: groupParticipantsUpdateRemoveSucceed,
		expected: [
			{
				event: 'participants_removed',
				field: 'group_participants_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				initiatedBy: 'business',
				participants: [
					{
						input: 'PHONE_NUMBER or WHATSAPP_ID',
					},
					{
						input: 'PHONE_NUMBER or WHATSAPP_ID',
					},
				],
				failedParticipants: [],
			},
		],
	},
	{
		file: 'group_settings_update__partial_fail.json',
		delivery: groupSettingsUpdatePartialFail,
		expected: [
			{
				event: 'settings_updated',
				field: 'group_settings_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				groupSubject: {
					text: 'Test Subject',
					updateSuccessful: false,
					errors: [
						{
							code: 'ERROR_CODE',
							title: 'ERROR_TITLE',
							message: 'ERROR_MESSAGE',
							details: 'ERROR_DETAILS',
						},
					],
				},
				groupDescription: {
					text: 'Test Description',
					updateSuccessful: false,
					errors: [
						{
							code: 'ERROR_CODE',
							title: 'ERROR_TITLE',
							message: 'ERROR_MESSAGE',
							details: 'ERROR_DETAILS',
						},
					],
				},
				profilePicture: {
					mimeType: 'image/jpeg',
					sha256: 'PHOTO_HASH',
					updateSuccessful: true,
				},
				updatedParts: ['profilePicture'],
				failedParts: ['groupSubject', 'groupDescription'],
				errors: [
					{
						code: 'ERROR_CODE',
						title: 'ERROR_TITLE',
						message: 'ERROR_MESSAGE',
						details: 'ERROR_DETAILS',
					},
				],
			},
		],
	},
	{
		file: 'group_settings_update__succeed.json',
		delivery: groupSettingsUpdateSucceed,
		expected: [
			{
				event: 'settings_updated',
				field: 'group_settings_update',
				groupId: 'GROUP_ID',
				businessAccountId: '<ID>',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				groupSubject: {
					text: 'Test Subject',
					updateSuccessful: true,
				},
				groupDescription: {
					text: 'Test Description',
					updateSuccessful: true,
				},
				profilePicture: {
					mimeType: 'image/jpeg',
					sha256: 'PHOTO_HASH',
					updateSuccessful: true,
				},
				updatedParts: ['groupSubject', 'groupDescription', 'profilePicture'],
				failedParts: [],
			},
		],
	},
	{
		file: 'group_settings_update__total_fail.json',
		delivery: groupSettingsUpdateTotalFail,
		expected: [
			{
				event: 'settings_update_failed',
				field: 'group_settings_update',
				groupId: 'GROUP_ID',
				businessAccountId: '<ID>',
				phoneNumberId: 'PHONE_NUMBER',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				requestId: 'REQUEST_ID',
				groupSubject: {
					text: 'Test Subject',
					updateSuccessful: false,
					errors: [
						{
							code: 'ERROR_CODE',
							title: 'ERROR_TITLE',
							message: 'ERROR_MESSAGE',
							details: 'ERROR_DETAILS',
						},
					],
				},
				groupDescription: {
					text: 'Test Description',
					updateSuccessful: false,
					errors: [
						{
							code: 'ERROR_CODE',
							title: 'ERROR_TITLE',
							message: 'ERROR_MESSAGE',
							details: 'ERROR_DETAILS',
						},
					],
				},
				profilePicture: {
					mimeType: 'image/jpeg',
					sha256: 'PHOTO_HASH',
					updateSuccessful: false,
					errors: [
						{
							code: 'ERROR_CODE',
							title: 'ERROR_TITLE',
							message: 'ERROR_MESSAGE',
							details: 'ERROR_DETAILS',
						},
					],
				},
				updatedParts: [],
				failedParts: ['groupSubject', 'groupDescription', 'profilePicture'],
				errors: [
					{
						code: 'ERROR_CODE',
						title: 'ERROR_TITLE',
						message: 'ERROR_MESSAGE',
						details: 'ERROR_DETAILS',
					},
				],
			},
		],
	},
	{
		file: 'group_status_update__suspended.json',
		delivery: groupStatusUpdateSuspended,
		expected: [
			{
				event: 'group_suspended',
				field: 'group_status_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
			},
		],
	},
	{
		file: 'group_status_update__suspension_cleared.json',
		delivery: groupStatusUpdateSuspensionCleared,
		expected: [
			{
				event: 'group_suspension_cleared',
				field: 'group_status_update',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'PHONE_NUMBER_ID',
				displayPhoneNumber: 'DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
			},
		],
	},
	{
		file: 'messages__group_message_received.json',
		delivery: messagesGroupMessageReceived,
		expected: [
			{
				event: 'message_received',
				field: 'messages',
				groupId: '<GROUP_ID>',
				businessAccountId: '<WHATSAPP_BUSINESS_ACCOUNT_ID>',
				phoneNumberId: '<BUSINESS_PHONE_NUMBER_ID>',
				displayPhoneNumber: '<BUSINESS_DISPLAY_PHONE_NUMBER>',
				timestamp: null,
				timestampUnix: null,
				id: '<WHATSAPP_MESSAGE_ID>',
				from: '<GROUP_PARTICIPANT_PHONE_NUMBER>',
				senderName: '<WHATSAPP_USER_NAME>',
				type: 'text',
				text: '<MESSAGE_BODY>',
			},
		],
	},
	{
		file: 'messages__group_message_received_example.json',
		delivery: messagesGroupMessageReceivedExample,
		expected: [
			{
				event: 'message_received',
				field: 'messages',
				groupId: 'HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA',
				businessAccountId: '102290129340398',
				phoneNumberId: '106540352242922',
				displayPhoneNumber: '15550783881',
				timestamp: '2025-04-11T04:08:16.000Z',
				timestampUnix: 1744344496,
				id: 'wamid.HASDI128HJOPUERIH82ahdasd09ASDHi5>',
				from: '16505551234',
				senderName: 'Tiago Mingo',
				type: 'text',
				text: 'What does everyone think about this?',
			},
		],
	},
	{
		file: 'messages__group_message_unsupported.json',
		delivery: messagesGroupMessageUnsupported,
		expected: [
			{
				event: 'message_received',
				field: 'messages',
				groupId: '<GROUP_ID>',
				businessAccountId: '<WHATSAPP_BUSINESS_ACCOUNT_ID>',
				phoneNumberId: '<BUSINESS_PHONE_NUMBER_ID>',
				displayPhoneNumber: '<BUSINESS_DISPLAY_PHONE_NUMBER>',
				timestamp: null,
				timestampUnix: null,
				id: '<WHATSAPP_MESSAGE_ID>',
				from: '<GROUP_PARTICIPANT_PHONE_NUMBER>',
				senderName: '<WHATSAPP_USER_NAME>',
				type: 'unsupported',
				errors: [
					{
						code: 130501,
						title: 'Unsupported message type',
						message: 'Message type is not currently supported',
						details: '<ERROR_DETAILS>',
					},
				],
			},
		],
	},
	{
		file: 'messages__group_status_aggregated_multi_message.json',
		delivery: messagesGroupStatusAggregatedMultiMessage,
		expected: [
			{
				event: 'message_delivered',
				field: 'messages',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'BUSINESS_PHONE_NUMBER_ID',
				displayPhoneNumber: 'BUSINESS_DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				messageId: 'WHATSAPP_MESSAGE_ID_1',
				status: 'delivered',
				recipientParticipantId: 'GROUP_PARTICIPANT_PHONE_NUMBER',
				conversationId: 'CONVERSATION_ID',
				pricing: {
					billable: true,
					category: 'CONVERSATION_CATEGORY',
					model: 'PRICING_MODEL',
				},
			},
			{
				event: 'message_delivered',
				field: 'messages',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'BUSINESS_PHONE_NUMBER_ID',
				displayPhoneNumber: 'BUSINESS_DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				messageId: 'WHATSAPP_MESSAGE_ID_2',
				status: 'delivered',
				recipientParticipantId: 'GROUP_PARTICIPANT_PHONE_NUMBER',
				conversationId: 'CONVERSATION_ID',
				pricing: {
					billable: true,
					category: 'CONVERSATION_CATEGORY',
					model: 'PRICING_MODEL',
				},
			},
		],
	},
	{
		file: 'messages__group_status_aggregated_multi_participant.json',
		delivery: messagesGroupStatusAggregatedMultiParticipant,
		expected: [
			{
				event: 'message_read',
				field: 'messages',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'BUSINESS_PHONE_NUMBER_ID',
				displayPhoneNumber: 'BUSINESS_DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				messageId: 'WHATSAPP_MESSAGE_ID',
				status: 'read',
				recipientParticipantId: 'GROUP_PARTICIPANT_PHONE_NUMBER_1',
				conversationId: 'CONVERSATION_ID',
				pricing: {
					billable: true,
					category: 'CONVERSATION_CATEGORY',
					model: 'PRICING_MODEL',
				},
			},
			{
				event: 'message_read',
				field: 'messages',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'BUSINESS_PHONE_NUMBER_ID',
				displayPhoneNumber: 'BUSINESS_DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				messageId: 'WHATSAPP_MESSAGE_ID',
				status: 'read',
				recipientParticipantId: 'GROUP_PARTICIPANT_PHONE_NUMBER_2',
				conversationId: 'CONVERSATION_ID',
				pricing: {
					billable: true,
					category: 'CONVERSATION_CATEGORY',
					model: 'PRICING_MODEL',
				},
			},
		],
	},
	{
		file: 'messages__group_status_delivered.json',
		delivery: messagesGroupStatusDelivered,
		expected: [
			{
				event: 'message_delivered',
				field: 'messages',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'BUSINESS_PHONE_NUMBER_ID',
				displayPhoneNumber: 'BUSINESS_DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				messageId: 'WHATSAPP_MESSAGE_ID',
				status: 'delivered',
				recipientParticipantId: 'GROUP_PARTICIPANT_PHONE_NUMBER',
				conversationId: 'CONVERSATION_ID',
				pricing: {
					billable: true,
					category: 'CONVERSATION_CATEGORY',
					model: 'PRICING_MODEL',
				},
			},
		],
	},
	{
		file: 'messages__group_status_failed.json',
		delivery: messagesGroupStatusFailed,
		expected: [
			{
				event: 'message_failed',
				field: 'messages',
				groupId: '<GROUP_ID>',
				businessAccountId: '<WHATSAPP_BUSINESS_ACCOUNT_ID>',
				phoneNumberId: '<BUSINESS_PHONE_NUMBER_ID>',
				displayPhoneNumber: '<BUSINESS_DISPLAY_PHONE_NUMBER>',
				timestamp: null,
				timestampUnix: null,
				messageId: '<WHATSAPP_MESSAGE_ID>',
				status: 'failed',
				errors: [
					{
						code: '<ERROR_CODE>',
						title: '<ERROR_TITLE>',
						message: '<ERROR_MESSAGE>',
						details: '<ERROR_DETAILS>',
					},
				],
			},
		],
	},
	{
		file: 'messages__group_status_read_with_pricing.json',
		delivery: messagesGroupStatusReadWithPricing,
		expected: [
			{
				event: 'message_read',
				field: 'messages',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'BUSINESS_PHONE_NUMBER_ID',
				displayPhoneNumber: 'BUSINESS_DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				messageId: 'WHATSAPP_MESSAGE_ID',
				status: 'read',
				recipientParticipantId: 'GROUP_PARTICIPANT_PHONE_NUMBER',
				conversationId: 'CONVERSATION_ID',
				pricing: {
					billable: true,
					category: 'CONVERSATION_CATEGORY',
					model: 'PRICING_MODEL',
				},
			},
		],
	},
	{
		file: 'messages__group_status_read_without_pricing.json',
		delivery: messagesGroupStatusReadWithoutPricing,
		expected: [
			{
				event: 'message_read',
				field: 'messages',
				groupId: 'GROUP_ID',
				businessAccountId: 'WHATSAPP_BUSINESS_ACCOUNT_ID',
				phoneNumberId: 'BUSINESS_PHONE_NUMBER_ID',
				displayPhoneNumber: 'BUSINESS_DISPLAY_PHONE_NUMBER',
				timestamp: null,
				timestampUnix: null,
				messageId: 'WHATSAPP_MESSAGE_ID',
				status: 'read',
				recipientParticipantId: 'GROUP_PARTICIPANT_PHONE_NUMBER',
			},
		],
	},
	{
		file: 'messages__group_status_sent.json',
		delivery: messagesGroupStatusSent,
		expected: [
			{
				event: 'message_sent',
				field: 'messages',
				groupId: '<GROUP_ID>',
				businessAccountId: '<WHATSAPP_BUSINESS_ACCOUNT_ID>',
				phoneNumberId: '<BUSINESS_PHONE_NUMBER_ID>',
				displayPhoneNumber: '<BUSINESS_DISPLAY_PHONE_NUMBER>',
				timestamp: null,
				timestampUnix: null,
				messageId: '<WHATSAPP_MESSAGE_ID>',
				status: 'sent',
			},
		],
	},
];

/** The envelope of every placeholder sample of the business-scoped user IDs page. */
const BSUID_PAGE = {
	businessAccountId: '<WHATSAPP_BUSINESS_ACCOUNT_ID>',
	phoneNumberId: '<BUSINESS_PHONE_NUMBER_ID>',
	displayPhoneNumber: '<BUSINESS_DISPLAY_PHONE_NUMBER>',
	timestamp: null,
	timestampUnix: null,
};
/** The envelope of its examples with real-looking values. */
const BSUID_EXAMPLE = {
	businessAccountId: '102290129340398',
	phoneNumberId: '106540352242922',
	displayPhoneNumber: '15550783881',
};
/** The person of the page's participant samples. */
const BSUID_PERSON = {
	waId: '<USER_PHONE_NUMBER>',
	userId: '<BSUID>',
	parentUserId: '<PARENT_BSUID>',
	username: '<USERNAME>',
};
const BSUID_GROUP_STATUS_PRICING = {
	category: '<PRICING_CATEGORY>',
	type: '<PRICING_TYPE>',
	model: '<PRICING_MODEL>',
};
/** What a group status of the page says beside its participant. */
const bsuidGroupStatusItem = (event: string, status: string) => ({
	...BSUID_PAGE,
	event,
	field: 'messages',
	groupId: '<GROUP_ID>',
	messageId: '<WHATSAPP_MESSAGE_ID>',
	status,
	conversationId: '<CONVERSATION_ID>',
	pricing: BSUID_GROUP_STATUS_PRICING,
});
const bsuidReadOf = (n: number) => ({
	...bsuidGroupStatusItem('message_read', 'read'),
	recipientParticipantId: `<GROUP_PARTICIPANT_USER_PHONE_NUMBER_${n}>`,
	recipientParticipantUserId: `<BSUID_${n}>`,
	recipientParticipantParentUserId: `<PARENT_BSUID_${n}>`,
	recipient: {
		waId: `<GROUP_PARTICIPANT_USER_PHONE_NUMBER_${n}>`,
		userId: `<BSUID_${n}>`,
		parentUserId: `<PARENT_BSUID_${n}>`,
		username: `<USERNAME_${n}>`,
		name: `<USER_DISPLAY_NAME_${n}>`,
	},
});
const PABLO = {
	userId: 'US.13491208655302741918',
	parentUserId: 'US.ENT.11815799212886844830',
	username: '@pablomorales',
	name: 'Pablo M.',
};
const bsuidDeliveredExample = {
	...BSUID_EXAMPLE,
	event: 'message_delivered',
	field: 'messages',
	groupId: null,
	timestamp: '2025-06-15T23:27:53.000Z',
	timestampUnix: 1750030073,
	messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
	status: 'delivered',
	recipientUserId: 'US.13491208655302741918',
	recipientParentUserId: 'US.ENT.11815799212886844830',
	pricing: { billable: true, category: 'marketing', type: 'regular', model: 'PMP' },
};

/**
 * Meta's business-scoped user ID samples (test/fixtures/meta-bsuid-samples/README.md says which
 * sample of the page each file is, and the few we wrote from its documented fields).
 */
const bsuidCases: FixtureCase[] = [
	{
		file: 'messages__group_status.json',
		delivery: bsuidGroupStatus,
		expected: [
			{
				...BSUID_PAGE,
				// "<STATUS>" is a placeholder, not a status: the element is kept, unrecognised.
				event: 'unknown',
				field: 'messages',
				groupId: null,
				change: {
					value: {
						messaging_product: 'whatsapp',
						metadata: {
							display_phone_number: '<BUSINESS_DISPLAY_PHONE_NUMBER>',
							phone_number_id: '<BUSINESS_PHONE_NUMBER_ID>',
						},
					},
					field: 'messages',
				},
				item: bsuidGroupStatus.entry[0].changes[0].value.statuses[0],
			},
		],
	},
	{
		file: 'messages__group_status_delivered.json',
		delivery: bsuidGroupStatusDelivered,
		expected: [
			{
				...bsuidGroupStatusItem('message_delivered', 'delivered'),
				recipientParticipantId: '<GROUP_PARTICIPANT_USER_PHONE_NUMBER>',
				recipientParticipantUserId: '<BSUID>',
				recipientParticipantParentUserId: '<PARENT_BSUID>',
				recipient: { ...BSUID_PERSON, name: '<USER_DISPLAY_NAME>' },
			},
		],
	},
	{
		file: 'messages__group_status_read_aggregated.json',
		delivery: bsuidGroupStatusReadAggregated,
		// Each status with its own participant's contact, whatever the order of the contacts.
		expected: [bsuidReadOf(2), bsuidReadOf(1)],
	},
	{
		file: 'messages__group_message_received.json',
		delivery: bsuidGroupMessageReceived,
		expected: [
			{
				...BSUID_PAGE,
				event: 'message_received',
				field: 'messages',
				groupId: '<GROUP_ID>',
				id: '<WHATSAPP_MESSAGE_ID>',
				from: '<WHATSAPP_USER_PHONE_NUMBER>',
				fromUserId: '<BSUID>',
				fromParentUserId: '<PARENT_BSUID>',
				senderName: '<WHATSAPP_USER_PROFILE_NAME>',
				senderUserId: '<BSUID>',
				senderParentUserId: '<PARENT_BSUID>',
				senderUsername: '<USERNAME>',
				type: 'text',
				text: '<MESSAGE_TEXT_BODY>',
			},
		],
	},
	{
		file: 'messages__message_received_example.json',
		delivery: bsuidMessageReceivedExample,
		expected: [
			{
				...BSUID_EXAMPLE,
				event: 'message_received',
				field: 'messages',
				groupId: null,
				timestamp: '2025-06-08T20:59:43.000Z',
				timestampUnix: 1749416383,
				id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
				fromUserId: 'US.13491208655302741918',
				fromParentUserId: 'US.ENT.11815799212886844830',
				senderName: 'Sheena Nelson',
				senderUserId: 'US.13491208655302741918',
				senderParentUserId: 'US.ENT.11815799212886844830',
				senderUsername: '@realsheenanelson',
				type: 'text',
				text: 'Does it come in another color?',
			},
		],
	},
	{
		file: 'messages__status_delivered_to_phone_number_example.json',
		delivery: bsuidStatusDeliveredToPhoneNumber,
		expected: [
			{
				...bsuidDeliveredExample,
				recipientId: '16505551234',
				recipient: { waId: '16505551234', ...PABLO },
			},
		],
	},
	{
		file: 'messages__status_delivered_to_bsuid_example.json',
		delivery: bsuidStatusDeliveredToBsuid,
		expected: [{ ...bsuidDeliveredExample, recipient: PABLO }],
	},
	{
		file: 'messages__status_failed_example.json',
		delivery: bsuidStatusFailed,
		expected: [
			{
				...BSUID_EXAMPLE,
				event: 'message_failed',
				field: 'messages',
				groupId: null,
				timestamp: '2025-06-15T23:27:53.000Z',
				timestampUnix: 1750030073,
				messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
				status: 'failed',
				recipientId: '16505551234',
				errors: [
					{
						code: 131049,
						title: 'This message was not delivered to maintain healthy ecosystem engagement.',
						message: 'This message was not delivered to maintain healthy ecosystem engagement.',
						details:
							'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
					},
				],
			},
		],
	},
	{
		file: 'group_participants_update__remove_by_business.json',
		delivery: bsuidRemoveByBusiness,
		expected: [
			{
				...BSUID_PAGE,
				event: 'participants_removed',
				field: 'group_participants_update',
				groupId: '<GROUP_ID>',
				requestId: 'REQUEST_ID',
				initiatedBy: 'business',
				participants: [{ input: '<USER_PHONE_NUMBER_OR_BSUID>' }],
				failedParticipants: [],
			},
		],
	},
	{
		file: 'group_participants_update__participant_leaves.json',
		delivery: bsuidParticipantLeaves,
		expected: [
			{
				...BSUID_PAGE,
				event: 'participant_left',
				field: 'group_participants_update',
				groupId: '<GROUP_ID>',
				requestId: 'REQUEST_ID',
				initiatedBy: 'participant',
				participants: [BSUID_PERSON],
			},
		],
	},
	{
		file: 'group_participants_update__join_via_invite_link.json',
		delivery: bsuidJoinViaInviteLink,
		expected: [
			{
				...BSUID_PAGE,
				event: 'participants_joined',
				field: 'group_participants_update',
				groupId: '<GROUP_ID>',
				reason: 'invite_link',
				participants: [BSUID_PERSON],
			},
		],
	},
	{
		file: 'group_participants_update__join_request_created.json',
		delivery: bsuidJoinRequestCreated,
		expected: [
			{
				...BSUID_PAGE,
				event: 'join_request_created',
				field: 'group_participants_update',
				groupId: '<GROUP_ID>',
				joinRequestId: '<JOIN_REQUEST_ID>',
				participant: BSUID_PERSON,
			},
		],
	},
	{
		file: 'group_participants_update__join_request_revoked.json',
		delivery: bsuidJoinRequestRevoked,
		expected: [
			{
				...BSUID_PAGE,
				event: 'join_request_revoked',
				field: 'group_participants_update',
				groupId: '<GROUP_ID>',
				joinRequestId: '<JOIN_REQUEST_ID>',
				participant: BSUID_PERSON,
			},
		],
	},
	{
		file: 'user_id_update.json',
		delivery: bsuidUserIdUpdate,
		expected: [
			{
				...BSUID_PAGE,
				event: 'user_id_changed',
				field: 'user_id_update',
				groupId: null,
				source: 'user_id_update',
				userId: '<CURRENT_BSUID>',
				parentUserId: '<CURRENT_PARENT_BSUID>',
				previousUserId: '<PREVIOUS_BSUID>',
				previousParentUserId: '<PREVIOUS_PARENT_BSUID>',
				waId: '<USER_PHONE_NUMBER>',
				name: '<USER_DISPLAY_NAME>',
				detail: '<DETAIL>',
			},
		],
	},
	{
		file: 'messages__system_user_changed_user_id.json',
		delivery: bsuidSystemUserChangedUserId,
		expected: [
			{
				...BSUID_PAGE,
				event: 'user_id_changed',
				field: 'messages',
				groupId: null,
				source: 'user_changed_user_id',
				userId: '<BSUID>',
				parentUserId: '<PARENT_BSUID>',
				previousUserId: '<PREVIOUS_BSUID>',
				previousParentUserId: '<PREVIOUS_PARENT_BSUID>',
				detail: '<BODY>',
				messageId: '<WHATSAPP_MESSAGE_ID>',
			},
		],
	},
	{
		file: 'messages__system_user_changed_number.json',
		delivery: bsuidSystemUserChangedNumber,
		expected: [
			{
				...BSUID_PAGE,
				event: 'user_id_changed',
				field: 'messages',
				groupId: null,
				source: 'user_changed_number',
				userId: '<BSUID>',
				parentUserId: '<PARENT_BSUID>',
				previousUserId: '<PREVIOUS_BSUID>',
				previousParentUserId: '<PREVIOUS_PARENT_BSUID>',
				waId: '<NEW_WHATSAPP_USER_ID>',
				previousWaId: '<WHATSAPP_USER_PHONE_NUMBER>',
				detail:
					'User <WHATSAPP_USER_PROFILE_NAME> changed from <WHATSAPP_USER_PHONE_NUMBER> to <NEW_WHATSAPP_USER_PHONE_NUMBER>',
				messageId: '<WHATSAPP_MESSAGE_ID>',
			},
		],
	},
];

const APP_SECRET = 'fixture-app-secret';

async function throughWebhook(delivery: unknown): Promise<IDataObject[] | undefined> {
	const rawBody = JSON.stringify(delivery);
	const { context, response } = createWebhookContext({
		credentials: { accessToken: 'token', businessAccountId: 'waba', appSecret: APP_SECRET },
		parameters: {
			events: [...TRIGGER_EVENTS],
			verifySignatures: true,
			options: { ignoreRedeliveries: false, includeOneToOne: true },
		},
		webhookUrl: 'https://n8n.example.com/webhook/abc/webhook',
		rawBody,
		headers: { 'X-Hub-Signature-256': metaSignature(rawBody, APP_SECRET) },
	});
	const result = await new WhatsAppGroupsTrigger().webhook.call(context);
	expect(response.status).not.toHaveBeenCalled();
	return result.workflowData?.[0].map((item) => item.json);
}

describe("Meta's business-scoped user ID samples", () => {
	it('covers every sample file of the folder, each once', () => {
		expect(bsuidCases.map((entry) => entry.file).sort()).toEqual(
			fixtureFiles('meta-bsuid-samples'),
		);
	});

	it.each(bsuidCases)('$file parses into exactly the expected items', ({ delivery, expected }) => {
		expect(parseDelivery(delivery).map((parsed) => parsed.item)).toEqual(expected);
	});

	it.each(bsuidCases)(
		'$file comes out of the webhook unchanged when every event and one-to-one traffic are selected',
		async ({ delivery, expected }) => {
			expect(await throughWebhook(delivery)).toEqual(expected);
		},
	);
});

describe("Meta's documentation samples", () => {
	it('covers all 27 sample files, each once', () => {
		expect(cases).toHaveLength(27);
		expect(new Set(cases.map((entry) => entry.file)).size).toBe(27);
	});

	it.each(cases)('$file parses into exactly the expected items', ({ delivery, expected }) => {
		expect(parseDelivery(delivery).map((parsed) => parsed.item)).toEqual(expected);
	});

	it.each(cases)(
		'$file comes out of the webhook unchanged when every event is selected',
		async ({ delivery, expected }) => {
			const rawBody = JSON.stringify(delivery);
			const { context, response } = createWebhookContext({
				credentials: { accessToken: 'token', businessAccountId: 'waba', appSecret: APP_SECRET },
				parameters: {
					events: [...TRIGGER_EVENTS],
					verifySignatures: true,
					options: { ignoreRedeliveries: false },
				},
				webhookUrl: 'https://n8n.example.com/webhook/abc/webhook',
				rawBody,
				headers: { 'X-Hub-Signature-256': metaSignature(rawBody, APP_SECRET) },
			});
			const result = await new WhatsAppGroupsTrigger().webhook.call(context);
			expect(response.status).not.toHaveBeenCalled();
			expect(result.workflowData?.[0].map((item) => item.json)).toEqual(expected);
		},
	);
});
