export * from './base-image-cache';
export * from './platform-account-stack';
export * from './account-stacks';
export * from './mlops-platform';
