// Constructs of the data concern; each construct lives in its own file and is exported here.
export * from './glue-types';
export * from './data-share';
export * from './data-share-consumer';
export * from './data-cells-filter-grant';
