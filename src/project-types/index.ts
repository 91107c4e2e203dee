export * from './usecase';
export * from './platform';
