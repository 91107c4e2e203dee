/**
 * The use case of the reference app as a use-case repository's CDK app: `MlopsUseCase` 'WeldGun' with
 * every extension on, and NO pinned version of its own: the model deployment pipeline's Synth stage
 * passes it as context (`cdk synth -c pinnedModelPackageArn=<arn>`), which this app reads.
 *
 *   cdk.json: { "app": "npx ts-node --transpile-only --project tsconfig.dev.json test/reference/usecase-app.ts" }
 */
import { App } from 'aws-cdk-lib';
import { referenceStageSettings, REFERENCE_USE_CASE_ID, REFERENCE_USE_CASE_NAME } from './reference-app';
import { MlopsUseCase, PlatformAccount, PlatformConfig } from '../../src';

const app = new App();
const config = PlatformConfig.sample();
new MlopsUseCase(app, REFERENCE_USE_CASE_ID, {
  platform: config,
  useCaseName: REFERENCE_USE_CASE_NAME,
  dev: referenceStageSettings(config, PlatformAccount.DEV),
  int: referenceStageSettings(config, PlatformAccount.INT),
  prod: referenceStageSettings(config, PlatformAccount.PROD),
});
app.synth();
