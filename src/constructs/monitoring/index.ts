// Constructs of the monitoring concern; each construct lives in its own file and is exported here.
export {};
