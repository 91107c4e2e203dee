// Constructs of the catalog concern; each construct lives in its own file and is exported here.
export * from './model-building-product';
export * from './model-deployment-product';
export * from './mlops-launch-role';
export * from './mlops-portfolio';
