export * from './usecase-onboarding';
export * from './usecase-budget';
export * from './scoped-deploy-roles';
export * from './github-role';
export * from './approver-role';
export * from './usecase-data-key';
