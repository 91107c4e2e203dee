export * from './usecase-onboarding';
export * from './scoped-deploy-roles';
