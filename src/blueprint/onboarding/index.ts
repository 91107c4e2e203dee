export * from './usecase-onboarding';
export * from './github-role';
