export * from './platform-config';
export * from './landing-zone-config';
export * from './usecase-config';
export * from './network-config';
