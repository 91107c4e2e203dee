// The mlops-usecase project type and its components.
export * from './usecase-options';
export * from './usecase-sample';
export * from './mlops-usecase-project';
