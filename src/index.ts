export * from './constructs';
export * from './blueprint';
