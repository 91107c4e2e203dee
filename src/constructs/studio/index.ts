// Constructs of the studio concern; each construct lives in its own file and is exported here.
export * from './studio-domain';
export * from './studio-domain-attributes';
export * from './data-scientist-profile';
export * from './data-access-props';
