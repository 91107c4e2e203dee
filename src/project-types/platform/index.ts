// The mlops-platform project type and its components.
export * from './mlops-platform-project';
