export * from './usecase-onboarding';
