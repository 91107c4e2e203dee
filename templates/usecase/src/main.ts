import {
  MlopsUseCase,
  PipelineDefinitionSource,
  PipelinePlaceholder,
  PlatformAccount,
  PlatformConfig,
  UseCaseNames,
} from '@vw/mlops-blueprint';
import { App } from 'aws-cdk-lib';
import { pipelineDefinition } from './pipeline';
import { SETTINGS } from './usecase-settings';

/**
 * Adds the use case to an app: the model-build pipeline and model registry in EXP, the deployment
 * pipeline in RES, and the endpoints in DEV, INT and PROD, each in its account and region from the
 * platform configuration. The settings come from .projenrc.ts (src/usecase-settings.ts is generated:
 * change an option there and run `npx projen`).
 */
export function addUseCase(app: App): MlopsUseCase {
  const platform = PlatformConfig.fromFile(SETTINGS.platformConfigFile);
  const names = new UseCaseNames(platform, SETTINGS.useCaseName);
  return new MlopsUseCase(app, 'UseCase', {
    platform,
    useCaseName: SETTINGS.useCaseName,
    source: SETTINGS.source,
    dev: SETTINGS.dev,
    int: SETTINGS.int,
    prod: SETTINGS.prod,
    // the use case's own pipeline (src/pipeline.ts); the training stack fills in the placeholders
    pipelineDefinition: PipelineDefinitionSource.fromDefinition(pipelineDefinition({
      pipelineName: names.pipelineName,
      region: platform.account(PlatformAccount.EXP).region,
      modelPackageGroupName: names.modelPackageGroupName,
      // the jobs' names start with it: the pipeline role starts, and the use case's people read the logs of, only those
      jobNamePrefix: names.jobNamePrefix,
      roleArn: PipelinePlaceholder.ROLE_ARN,
      bucketName: PipelinePlaceholder.ARTIFACT_BUCKET_NAME,
      kmsKeyArn: PipelinePlaceholder.KMS_KEY_ARN,
      subnetIds: [PipelinePlaceholder.SUBNET_IDS],
      securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS],
      // the use case's image (built in RES from ml/Dockerfile) by the digest the train workflow deploys
      imageUri: PipelinePlaceholder.IMAGE_URI,
    })),
  });
}

if (require.main === module) {
  const app = new App();
  addUseCase(app);
  app.synth();
}
