export * from './secure-bucket';
export * from './encrypted-log-group';
export * from './pipeline-source';
