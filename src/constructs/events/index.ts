// Constructs of the events concern; each construct lives in its own file and is exported here.
export * from './model-event-bus';
