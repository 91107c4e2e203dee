export * from './usecase-onboarding';
export * from './usecase-budget';
