import { NetworkEndpoint } from '../../constructs/network';
import { PlatformAccount } from '../config/platform-config';

/**
 * The interface endpoints each account's VPC gets: the services its flows call from inside the VPC, and
 * nothing else (each endpoint costs $0.012 per zone and hour whether used or not). The flow suite
 * (`test/flows`) fails on an endpoint no flow request of the account goes through, and on a request whose
 * network leg finds no endpoint. Calls that AWS services make for a workload in VPC mode through the
 * workload's network interfaces count as the workload's (conservatively, where the documentation leaves it
 * open): image pulls (ECR API and Docker), container logs and metrics.
 *
 * - EXP: Studio in VpcOnly mode (SageMaker API, STS), the model-build jobs (ECR, logs, metrics), pip
 *   through the CodeArtifact mirror (API and repositories); Glue and Athena with `dataShare` (added by the
 *   EXP stack). No SageMaker Runtime: EXP hosts no endpoint and the Studio roles may invoke none. No KMS
 *   (S3, EBS and CloudWatch Logs call KMS themselves), no SSM, EventBridge or Step Functions (the approval
 *   events leave SageMaker on the service side).
 * - RES: the CodeBuild projects (image builds, the deployment pipeline): STS (role chaining, CodeArtifact's
 *   bearer token), CodeArtifact, ECR, SageMaker API (Resolve, smoke tests) and Runtime (smoke tests),
 *   CloudFormation and SSM (`cdk deploy` and its bootstrap version check), CloudWatch Logs (build logs),
 *   KMS (the projects' encryption key, which their roles may use without `kms:ViaService`).
 * - DEV, INT, PROD: endpoints, batch transform and monitoring jobs (ECR, logs, metrics), and the SageMaker
 *   Runtime for the inference API's Lambda function in the VPC (PROD by default, DEV or INT when their
 *   serving is always on: a use case's option the platform cannot see). No KMS: the execution roles use
 *   keys only through S3 (`kms:ViaService`), and volumes through SageMaker's grants, all on the service side.
 *
 * The S3 gateway endpoint (no hourly cost) is in every VPC.
 * @internal
 */
export function accountInterfaceEndpoints(account: PlatformAccount): NetworkEndpoint[] {
  const jobs = [NetworkEndpoint.ECR_API, NetworkEndpoint.ECR_DOCKER, NetworkEndpoint.CLOUDWATCH_LOGS, NetworkEndpoint.CLOUDWATCH_MONITORING];
  switch (account) {
    case PlatformAccount.EXP:
      return [
        NetworkEndpoint.SAGEMAKER_API,
        NetworkEndpoint.STS,
        ...jobs,
        NetworkEndpoint.CODEARTIFACT_API,
        NetworkEndpoint.CODEARTIFACT_REPOSITORIES,
      ];
    case PlatformAccount.RES:
      return [
        NetworkEndpoint.SAGEMAKER_API,
        NetworkEndpoint.SAGEMAKER_RUNTIME,
        NetworkEndpoint.STS,
        NetworkEndpoint.ECR_API,
        NetworkEndpoint.ECR_DOCKER,
        NetworkEndpoint.CLOUDWATCH_LOGS,
        NetworkEndpoint.KMS,
        NetworkEndpoint.SSM,
        NetworkEndpoint.CODEARTIFACT_API,
        NetworkEndpoint.CODEARTIFACT_REPOSITORIES,
        NetworkEndpoint.CLOUDFORMATION,
      ];
    default:
      // DEV, INT, PROD: the SageMaker Runtime for an inference API (PROD by default; DEV or INT when their
      // serving is always on)
      return [...jobs, NetworkEndpoint.SAGEMAKER_RUNTIME];
  }
}
