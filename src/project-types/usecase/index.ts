// The mlops-usecase project type and its components.
export {};
