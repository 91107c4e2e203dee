// Constructs of the deployment concern; each construct lives in its own file and is exported here.
export * from './endpoint-instance-type';
export * from './endpoint-model-source';
export * from './traffic-shifting';
export * from './realtime-endpoint-base';
export * from './realtime-endpoint';
export * from './scale-to-zero-endpoint';
export * from './deployment-target';
export * from './model-deployment-pipeline-props';
export * from './model-deployment-pipeline';
