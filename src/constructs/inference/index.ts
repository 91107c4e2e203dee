// Constructs of the inference concern; each construct lives in its own file and is exported here.
export * from './inference-api';
export * from './inference-auth';
export * from './inference-firewall';
export * from './batch-inference';
