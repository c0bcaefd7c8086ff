import type { AllEntities } from 'n8n-workflow';

/**
 * Every resource with its operations, as the values saved in workflows. The operation maps in
 * each resource's `index.ts` and the router's `operationsByResource` are checked against it, so a
 * missing or extra operation is a compile error rather than a run-time "not supported".
 */
export type NodeMap = {
	group: 'create' | 'delete' | 'get' | 'getMany' | 'update';
	inviteLink: 'get' | 'reset' | 'send';
	joinRequest: 'approve' | 'getMany' | 'reject';
	message: 'markAsRead' | 'pin' | 'send' | 'unpin';
	participant: 'remove';
};

/** One `{ resource, operation }` pair per operation of the node. */
export type WhatsAppGroupsType = AllEntities<NodeMap>;
