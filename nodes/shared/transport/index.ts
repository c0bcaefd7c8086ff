export * from './endpoints';
export * from './errors';
export * from './path';
export * from './request';
export * from './retry';
export * from './types';
