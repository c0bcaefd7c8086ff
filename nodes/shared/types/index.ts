export * from './graph';
export * from './webhooks';
