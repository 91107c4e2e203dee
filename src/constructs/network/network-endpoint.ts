import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * A VPC endpoint that an `IsolatedNetwork` provides, so that workloads without internet access reach
 * the AWS service. Use the static members; pass them in `IsolatedNetworkProps.existingEndpoints` to say
 * that an imported VPC already has an endpoint for that service.
 */
export class NetworkEndpoint {
  /** SageMaker API (`com.amazonaws.<region>.sagemaker.api`). */
  public static readonly SAGEMAKER_API = new NetworkEndpoint('sagemaker.api', 'SageMakerApi', ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API);
  /** SageMaker Runtime, for invoking endpoints (`com.amazonaws.<region>.sagemaker.runtime`). */
  public static readonly SAGEMAKER_RUNTIME = new NetworkEndpoint('sagemaker.runtime', 'SageMakerRuntime', ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_RUNTIME);
  /**
   * SageMaker Studio (`aws.sagemaker.<region>.studio`): lets browsers reach Studio through the VPC.
   * Only created with `studioEndpoints: true`.
   */
  public static readonly SAGEMAKER_STUDIO = new NetworkEndpoint('sagemaker.studio', 'SageMakerStudio', ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_STUDIO);
  /**
   * SageMaker notebooks (`aws.sagemaker.<region>.notebook`): lets browsers reach notebook instances and
   * Studio Classic through the VPC. Only created with `studioEndpoints: true`.
   */
  public static readonly SAGEMAKER_NOTEBOOK = new NetworkEndpoint('sagemaker.notebook', 'SageMakerNotebook', ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_NOTEBOOK);
  /** AWS STS (`com.amazonaws.<region>.sts`). */
  public static readonly STS = new NetworkEndpoint('sts', 'Sts', ec2.InterfaceVpcEndpointAwsService.STS);
  /** CloudWatch Logs (`com.amazonaws.<region>.logs`). */
  public static readonly CLOUDWATCH_LOGS = new NetworkEndpoint('logs', 'CloudWatchLogs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS);
  /** CloudWatch metrics (`com.amazonaws.<region>.monitoring`). */
  public static readonly CLOUDWATCH_MONITORING = new NetworkEndpoint('monitoring', 'CloudWatchMonitoring', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING);
  /** ECR API (`com.amazonaws.<region>.ecr.api`). */
  public static readonly ECR_API = new NetworkEndpoint('ecr.api', 'EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR);
  /** ECR image pulls (`com.amazonaws.<region>.ecr.dkr`); image layers then come from S3 through the S3 endpoint. */
  public static readonly ECR_DOCKER = new NetworkEndpoint('ecr.dkr', 'EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER);
  /** AWS KMS (`com.amazonaws.<region>.kms`). */
  public static readonly KMS = new NetworkEndpoint('kms', 'Kms', ec2.InterfaceVpcEndpointAwsService.KMS);
  /** Systems Manager (`com.amazonaws.<region>.ssm`), e.g. for parameters. */
  public static readonly SSM = new NetworkEndpoint('ssm', 'Ssm', ec2.InterfaceVpcEndpointAwsService.SSM);
  /** CodeArtifact API, e.g. `GetAuthorizationToken` (`com.amazonaws.<region>.codeartifact.api`). */
  public static readonly CODEARTIFACT_API = new NetworkEndpoint('codeartifact.api', 'CodeArtifactApi', ec2.InterfaceVpcEndpointAwsService.CODEARTIFACT_API);
  /** CodeArtifact repositories, used by pip and npm (`com.amazonaws.<region>.codeartifact.repositories`). */
  public static readonly CODEARTIFACT_REPOSITORIES = new NetworkEndpoint(
    'codeartifact.repositories',
    'CodeArtifactRepositories',
    ec2.InterfaceVpcEndpointAwsService.CODEARTIFACT_REPOSITORIES,
  );
  /** EventBridge (`com.amazonaws.<region>.events`). */
  public static readonly EVENTBRIDGE = new NetworkEndpoint('events', 'EventBridge', ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE);
  /** Step Functions (`com.amazonaws.<region>.states`). */
  public static readonly STEP_FUNCTIONS = new NetworkEndpoint('states', 'StepFunctions', ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS);
  /**
   * CloudFormation (`com.amazonaws.<region>.cloudformation`): not a core endpoint; the account that deploys
   * stacks from inside the VPC (RES: `cdk deploy` in the model deployment pipeline) adds it through
   * `IsolatedNetworkProps.additionalEndpoints`.
   */
  public static readonly CLOUDFORMATION = new NetworkEndpoint('cloudformation', 'CloudFormation', ec2.InterfaceVpcEndpointAwsService.CLOUDFORMATION);
  /** S3, as a gateway endpoint on the route tables of the isolated subnets (`com.amazonaws.<region>.s3`). */
  public static readonly S3 = new NetworkEndpoint('s3', 'S3', undefined);

  /** The interface endpoints every `IsolatedNetwork` provides (without the Studio ones). */
  public static readonly CORE_INTERFACE_ENDPOINTS: NetworkEndpoint[] = Object.freeze([
    NetworkEndpoint.SAGEMAKER_API,
    NetworkEndpoint.SAGEMAKER_RUNTIME,
    NetworkEndpoint.STS,
    NetworkEndpoint.CLOUDWATCH_LOGS,
    NetworkEndpoint.CLOUDWATCH_MONITORING,
    NetworkEndpoint.ECR_API,
    NetworkEndpoint.ECR_DOCKER,
    NetworkEndpoint.KMS,
    NetworkEndpoint.SSM,
    NetworkEndpoint.CODEARTIFACT_API,
    NetworkEndpoint.CODEARTIFACT_REPOSITORIES,
    NetworkEndpoint.EVENTBRIDGE,
    NetworkEndpoint.STEP_FUNCTIONS,
  ]) as NetworkEndpoint[];

  /** The interface endpoints that `studioEndpoints: true` adds. */
  public static readonly STUDIO_INTERFACE_ENDPOINTS: NetworkEndpoint[] = Object.freeze([
    NetworkEndpoint.SAGEMAKER_STUDIO,
    NetworkEndpoint.SAGEMAKER_NOTEBOOK,
  ]) as NetworkEndpoint[];

  /** The service's short name, e.g. `sagemaker.api` or `s3`. */
  public readonly name: string;
  /** Whether this is a gateway endpoint (S3) rather than an interface endpoint. */
  public readonly isGateway: boolean;
  /** @internal */
  public readonly _constructId: string;
  /** @internal */
  public readonly _service?: ec2.InterfaceVpcEndpointAwsService;

  private constructor(name: string, constructId: string, service: ec2.InterfaceVpcEndpointAwsService | undefined) {
    this.name = name;
    this.isGateway = service === undefined;
    this._constructId = constructId;
    this._service = service;
  }

  /** The short name, e.g. `sagemaker.api`. */
  public toString(): string {
    return this.name;
  }
}

