// Constructs of the registry concern; each construct lives in its own file and is exported here.
export * from './model-registry';
