/**
 * A stage of the model-deployment pipeline, in promotion order. The value is the suffix of the
 * pipeline stage names (`DeployDev`, `ApproveInt`, `SmokeTestInt`, ...).
 */
export enum DeploymentStage {
  /** The first target; deployed automatically after the model is resolved and the app synthesized. */
  DEV = 'Dev',
  /** Staging; deployed after a manual approval. */
  INT = 'Int',
  /** Production; deployed after a second manual approval. */
  PROD = 'Prod',
}

/**
 * One account the model-deployment pipeline deploys the use case's serving stack to.
 */
export interface DeploymentTarget {
  /** Which stage this is (the targets are given in the order DEV, INT, PROD). */
  readonly stage: DeploymentStage;

  /** The 12-digit id of the target account; it must be CDK-bootstrapped with the pipeline's qualifier and trust the pipeline's account. */
  readonly account: string;

  /**
   * The region of the target.
   * @default - the pipeline stack's region
   */
  readonly region?: string;

  /**
   * The serving stack of this stage as `cdk deploy` selects it in the cloud assembly: its hierarchical
   * id, which is its construct path (`stack.node.path`), e.g. `UseCase/ServingDev` for a stack below a
   * construct, `Dev/ChurnServing` for a stack of a Stage, `ChurnServingDev` for a stack directly under
   * the App. Not its CloudFormation stack name (the CDK CLI selects no stack by it).
   */
  readonly stackPath: string;

  /** The SageMaker endpoint the serving stack creates (the smoke test invokes it). */
  readonly endpointName: string;

  /**
   * A role in the target account that the smoke test assumes: it needs `sagemaker:DescribeEndpoint`,
   * `sagemaker:DescribeEndpointConfig`, `sagemaker:DescribeModel` and `sagemaker:InvokeEndpoint` on the
   * endpoint and its config and model, and must trust the SmokeTest project's role
   * (`ModelDeploymentPipeline.smokeTestRoles`). Required for DEV and INT (each promotion needs a passed
   * smoke test); for PROD it adds a `SmokeTestProd` stage after `DeployProd`.
   * @default - no smoke test (allowed only for PROD)
   */
  readonly smokeTestRoleArn?: string;

  /**
   * A fixed name for the SmokeTest project's role in the pipeline account, so that the target's
   * smoke-test role can trust exactly that role ARN (`aws:PrincipalArn`) instead of a principal tag.
   * @default - a generated name
   */
  readonly smokeTestCallerRoleName?: string;

  /**
   * A fixed name for the Deploy project's role in the pipeline account, so that the target's deploy roles
   * (`deployRoleArns`) can trust exactly that role ARN instead of a principal tag or the whole account.
   * @default - a generated name
   */
  readonly deployCallerRoleName?: string;

  /**
   * The roles in the target account that the Deploy project may assume: the `deployRoleArn` and
   * `fileAssetPublishingRoleArn` (and `lookupRoleArn`, if any) of the serving stack's synthesizer, e.g.
   * the use case's scoped deploy roles (`ScopedDeployRoles`). Give them whenever several use cases share
   * the target account: the bootstrap roles deploy through the bootstrap execution role, which may
   * change every stack of the account.
   * @default - the target's CDK bootstrap roles of `qualifier` (deploy, file-publishing,
   * image-publishing, lookup), which may deploy any stack of the account (for a single-tenant account)
   */
  readonly deployRoleArns?: string[];

  /**
   * Whether a manual approval precedes the deployment to this target. Must be false for DEV (it is
   * deployed automatically) and true for INT and PROD.
   */
  readonly requiresApprovalBefore: boolean;
}
