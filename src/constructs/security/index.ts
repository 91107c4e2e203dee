// Constructs of the security concern; each construct lives in its own file and is exported here.
export * from './platform-key';
export * from './guardrails';
export * from './personas';
export * from './persona-trust';
export * from './persona-roles';
