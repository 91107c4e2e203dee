import { App, Stack } from 'aws-cdk-lib';

/** The account and region of test stacks (six placeholder accounts live in samples/platform.json). */
export const TEST_ENV = { account: '222222222222', region: 'eu-central-1' };

/** A fresh App and one Stack in it with a concrete account and region, for construct tests. */
export function testStack(id = 'Test', env = TEST_ENV): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, id, { env });
  return { app, stack };
}
