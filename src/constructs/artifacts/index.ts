// Constructs of the artifacts concern; each construct lives in its own file and is exported here.
export * from './package-mirror';
export * from './package-mirror-reference';
export * from './image-registry';
export * from './image-build-pipeline-props';
export * from './image-build-pipeline';
