import { awscdk } from 'projen';
import { UseCaseSample } from './usecase-sample';
import { UseCaseSourceProps, UseCaseStageSettings } from '../../blueprint/usecase/usecase-props';

/**
 * Options of an `MlopsUseCaseProject`: projen's options of a CDK TypeScript app, plus the use case's.
 * Every option of the use case is optional: `npx projen new --from <this package> mlops-usecase`
 * works without flags.
 */
export interface MlopsUseCaseProjectOptions extends awscdk.AwsCdkTypeScriptAppOptions {
  /**
   * The use-case name: 2 to 20 lowercase letters, digits and single hyphens, starting with a letter.
   * It is part of every name of the use case (stacks, endpoints, the model package group, buckets).
   *
   * @default - derived from the project name: lowercase, every other character a hyphen, cut to 20 characters
   * @featured
   */
  readonly useCaseName?: string;

  /**
   * The platform configuration file (JSON, or YAML with `.yaml`/`.yml`), relative to the repository
   * root. It is written once, with the built-in sample's placeholder accounts, when it does not
   * exist; replace them with the platform's real accounts.
   *
   * @default "platform.json"
   * @featured
   */
  readonly platformConfigFile?: string;

  /**
   * The serving settings of DEV (instance type, capacity, data capture, inference API, batch
   * inference, model monitoring).
   * @default - one ml.m5.large, up to two; no extensions
   */
  readonly devSettings?: UseCaseStageSettings;

  /**
   * The serving settings of INT.
   * @default - one ml.m5.large, up to two; no extensions
   */
  readonly intSettings?: UseCaseStageSettings;

  /**
   * The serving settings of PROD.
   * @default - two ml.m5.large, up to four; no extensions
   * @featured
   */
  readonly prodSettings?: UseCaseStageSettings;

  /**
   * Where the deployment pipeline in RES gets this repository from: GitHub through a CodeConnections
   * connection (`connectionArn`, `owner`, `repository`, `branch`), or an S3 bucket (`objectKey`).
   * @default - an S3 source bucket in RES (`source.zip`)
   */
  readonly deploymentSource?: UseCaseSourceProps;

  /**
   * The IAM role that GitHub Actions assumes in EXP through OIDC to deploy the training stack and
   * start the SageMaker pipeline (the workflow `train`).
   * @default - the role the platform creates in EXP for this use case, `arn:<partition>:iam::<EXP account>:role/<prefix>-<use case>-github`
   * when the platform configuration lists it in `useCases`; otherwise the legacy `<prefix>-github-deploy`
   */
  readonly githubDeployRoleArn?: string;

  /**
   * The Python version of the ML code (`ml/`): the version CI sets up; 3.11 or later.
   * @default "3.11"
   */
  readonly mlPythonVersion?: string;

  /**
   * The ML sample that `ml/` starts from (written once, then yours): the welding-gun
   * predictive-maintenance model with scikit-learn's `HistGradientBoostingClassifier`, or the same
   * with XGBoost's `XGBClassifier`. `npx projen new ... mlops-usecase --sample xgboost` picks it on
   * the command line.
   *
   * @default UseCaseSample.SKLEARN
   * @featured
   */
  readonly sample?: UseCaseSample;
}
