// Constructs of the training concern; each construct lives in its own file and is exported here.
export * from './pipeline-definition';
