export * from './blueprint';
