// Constructs of the inference concern; each construct lives in its own file and is exported here.
export * from './batch-inference';
