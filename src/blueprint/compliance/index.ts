export * from './compliance-check';
