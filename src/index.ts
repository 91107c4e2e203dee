export * from './constructs';
export * from './blueprint';
export * from './project-types';
