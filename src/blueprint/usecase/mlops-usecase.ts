import { Annotations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DeploymentStack } from './deployment-stack';
import { resolveRetraining } from './retraining-loop';
import { ServingStack } from './serving-stack';
import { TrainingStack } from './training-stack';
import { SERVING_STAGES, UseCaseNames } from './usecase-names';
import { MlopsUseCaseProps, UseCaseStageSettings } from './usecase-props';
import { UseCaseStack } from './usecase-stack';
import { ModelImage } from '../../constructs/training';
import { PlatformAccount } from '../config/platform-config';
import { UseCaseConfig } from '../config/usecase-config';

/**
 * One ML use case on the platform, from notebook to production: training in EXP (model-build pipeline
 * and model registry), the deployment pipeline in RES, and serving in DEV, INT and PROD. Every stack has
 * its account and region from the platform configuration; they wire to each other and to the platform
 * through computed names, never CloudFormation exports.
 *
 * | account | stack | holds |
 * |---|---|---|
 * | EXP | `<prefix>-<use case>-training` | artifact key, model-build pipeline, model registry (approval events to RES) |
 * | RES | `<prefix>-<use case>-deployment` | deployment pipeline: resolve + pin, synth, DEV, smoke, approve, INT, smoke, approve, PROD |
 * | DEV, INT, PROD | `<prefix>-<use case>-serving-<stage>` | endpoint of the pinned version, smoke-test role, extensions |
 *
 * @example
 * const app = new App();
 * new MlopsUseCase(app, 'WeldGun', {
 *   platform: PlatformConfig.fromFile('platform.json'),
 *   useCaseName: 'weld-gun-pm',
 *   prod: { minCapacity: 2, inferenceApi: true, modelMonitor: true },
 * });
 */
export class MlopsUseCase extends Construct {
  /** The use case's names. */
  public readonly names: UseCaseNames;
  /** The use case's entry of `useCases` in the platform configuration (undefined when not onboarded). */
  public readonly registryEntry?: UseCaseConfig;
  /** The image given in the props, if any (else the use case's own image by the training stack's `ImageDigest`). */
  public readonly image?: ModelImage;
  /** The training stack (EXP). */
  public readonly training: TrainingStack;
  /** The deployment stack (RES). */
  public readonly deployment: DeploymentStack;
  /** The DEV serving stack. */
  public readonly dev: ServingStack;
  /** The INT serving stack. */
  public readonly int: ServingStack;
  /** The PROD serving stack. */
  public readonly prod: ServingStack;

  /**
   * @param scope the App
   * @param id the construct id
   * @param props the platform, the use case and its stage settings
   */
  constructor(scope: Construct, id: string, props: MlopsUseCaseProps) {
    super(scope, id);
    this.names = new UseCaseNames(props.platform, props.useCaseName);
    this.registryEntry = props.platform.useCase(props.useCaseName);
    if (!this.registryEntry && props.platform.useCases.length > 0) {
      const listed = props.platform.useCases.map((u) => u.name).join(', ');
      throw new Error(`MlopsUseCase: useCaseName ${JSON.stringify(props.useCaseName)} is not onboarded: the platform configuration lists ${listed} in useCases; `
        + `add { "name": ${JSON.stringify(props.useCaseName)}, "team": "<Identity Center group>", "repository": "<owner>/<name>" } to useCases and deploy the platform, or use a listed name`);
    }
    if (!this.registryEntry) {
      Annotations.of(this).addWarningV2('@vw/mlops-blueprint:useCaseNotOnboarded',
        `${props.useCaseName} is not in useCases of the platform configuration: it is not isolated from other use cases (its stacks deploy with the account-wide CDK bootstrap roles); add it to useCases`);
    }
    this.image = props.image;
    const base = { platform: props.platform, useCaseName: props.useCaseName };
    const settings: Record<string, UseCaseStageSettings | undefined> = { dev: props.dev, int: props.int, prod: props.prod };
    // the stages whose drift alarm starts retraining: RES forwards their events, EXP starts the pipeline
    const retrainingStages = SERVING_STAGES.filter((stage) => resolveRetraining(stage, stage, settings[stage] ?? {}));
    this.training = new TrainingStack(this, 'Training', { ...base, pipelineDefinition: props.pipelineDefinition, image: props.image, retrainingStages });
    this.deployment = new DeploymentStack(this, 'Deployment', { ...base, source: props.source, retrainingStages });
    const serving = SERVING_STAGES.map(
      (stage) =>
        new ServingStack(this, this.names.servingStackId(stage), {
          ...base,
          stage,
          settings: settings[stage],
          pinnedModelPackageArn: props.pinnedModelPackageArn,
          image: props.image,
        }),
    );
    [this.dev, this.int, this.prod] = serving;
  }

  /** Every stack of the use case: training, deployment, then DEV, INT and PROD serving. */
  public get stacks(): UseCaseStack[] {
    return [this.training, this.deployment, this.dev, this.int, this.prod];
  }

  /**
   * The serving stack of a stage.
   * @param stage DEV, INT or PROD
   */
  public serving(stage: PlatformAccount): ServingStack {
    const found = [this.dev, this.int, this.prod].find((s) => s.platformAccount === stage);
    if (!found) throw new Error(`MlopsUseCase: ${stage.toUpperCase()} has no serving stack; use DEV, INT or PROD`);
    return found;
  }
}
