export * from './errors';
export * from './check-pin';
export * from './smoke-test';
export { type CaptureObject, captureHourPath } from './smoke-test-capture';
export * from './smoke-test-inference-component';
