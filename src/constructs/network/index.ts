// Constructs of the network concern; each construct lives in its own file and is exported here.
export * from './network-endpoint';
export * from './isolated-network';
