export * from './errors';
export * from './retry';
export * from './model-registry-client';
