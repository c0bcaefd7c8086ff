/**
 * Every sample from Meta's Groups API pages (made valid JSON, placeholders kept) with the exact
 * items the trigger emits for it. Placeholders such as "TIMESTAMP" are not unix times, so those
 * items carry timestamp null rather than an invented date.
 */
import type { IDataObject } from 'n8n-workflow';

import { WhatsAppGroupsTrigger } from '../../nodes/WhatsAppGroupsTrigger/WhatsAppGroupsTrigger.node';
import { parseDelivery } from '../../nodes/WhatsAppGroupsTrigger/webhook/events';
import { TRIGGER_EVENTS } from '../../nodes/WhatsAppGroupsTrigger/webhook/eventTypes';
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

const APP_SECRET = 'fixture-app-secret';

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
