// Constructs of the compliance concern; each construct lives in its own file and is exported here.
export * from './compliance-baseline';
