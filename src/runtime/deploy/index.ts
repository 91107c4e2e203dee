export * from './errors';
export * from './check-pin';
export * from './smoke-test';
