// The mlops-platform project type and its components.
export {};
