export * from './usecase-props';
export * from './usecase-names';
export * from './usecase-stack';
export * from './training-stack';
export * from './deployment-stack';
export { UseCaseImageBuild, UseCaseImageBuildProps } from './usecase-image';
export * from './ground-truth-location';
export * from './serving-stack';
export * from './mlops-usecase';
