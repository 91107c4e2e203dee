export * from './secure-bucket';
export * from './encrypted-log-group';
