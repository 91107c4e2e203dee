export * from './config';
export * from './compliance';
export * from './bootstrap';
export * from './naming';
export * from './platform';
export * from './usecase';
export * from './onboarding';
