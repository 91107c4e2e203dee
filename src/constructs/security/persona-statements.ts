import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { PersonaRolesProps } from './persona-roles';
import { Persona, PersonaEnvironment } from './personas';
import { useCaseIsolationStatements } from './use-case-isolation';
import { literalPartition } from '../core/iam-findings';
import { JOB_NAME_DELIMITER, USE_CASE_TAG_KEY } from '../core/tenancy-tag';
import { ReasonedStatement } from '../core/wildcard-acknowledgement';
import { STUDIO_USER_TAG_KEY } from '../studio/execution-policy';

/*
 * The statements of each persona, by environment (the policies of PersonaRoles). @internal
 */

const STUDIO_USER_TAG = STUDIO_USER_TAG_KEY;

/** Everything a persona gets: allows (with wildcard reasons) and denies. @internal */
export interface PersonaPolicy {
  readonly allows: ReasonedStatement[];
  readonly denies: iam.PolicyStatement[];
}

/** The statement of Service Catalog end-user actions (on "*"). @internal */
export const SERVICE_CATALOG_SID = 'ServiceCatalogProducts';

/**
 * Every SageMaker verb that changes something (all actions of the Write, Permissions management and
 * Tagging access levels of the Service Authorization Reference), for the explicit deny on people
 * outside EXPERIMENTATION and on auditors.
 */
const SAGEMAKER_MUTATIONS = ['Create*', 'Delete*', 'Update*', 'Start*', 'Stop*', 'Put*', 'Add*', 'Associate*', 'Disassociate*', 'Attach*',
  'Detach*', 'Register*', 'Deregister*', 'Enable*', 'Disable*', 'Import*', 'Retry*', 'Send*', 'Call*', 'Sample*', 'Complete*', 'Deploy*',
  'Extend*', 'Train*', 'BatchAdd*', 'BatchDelete*', 'BatchPut*', 'BatchReboot*', 'BatchReplace*', 'BatchWrite*'].map((v) => `sagemaker:${v}`);

/**
 * The SageMaker creations of EXPERIMENTATION that must carry the person's use case (`aws:RequestTag`).
 * Model package versions are not among them: they carry no tags, and the registry is scoped by group name.
 */
const EXPERIMENTATION_CREATES = ['CreateTrainingJob', 'CreateProcessingJob', 'CreateHyperParameterTuningJob', 'CreateTransformJob',
  'CreateAutoMLJob', 'CreateAutoMLJobV2', 'CreateModel', 'CreateEndpointConfig', 'CreateEndpoint', 'CreateExperiment', 'CreateTrial',
  'CreateTrialComponent', 'CreatePipeline', 'CreateModelPackageGroup'];

/** The creations of the MLOps engineers' tooling that must carry the person's use case. */
const MLOPS_CREATES = ['CreateMonitoringSchedule', 'CreateDataQualityJobDefinition', 'CreateModelQualityJobDefinition',
  'CreateModelBiasJobDefinition', 'CreateModelExplainabilityJobDefinition', 'CreateProject'];

const SAGEMAKER_INVOKE = ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync', 'sagemaker:InvokeEndpointWithResponseStream'];

/**
 * The ARN pattern of every object of a bucket. A literal `arn:aws:s3:::name` becomes
 * `arn:aws:s3:*:*:name/*` (the empty region and account match `*`): the `:::` of S3 ARNs would put a
 * second `::` into the cdk-nag finding id, which aws-cdk-lib refuses to acknowledge.
 */
function objectsArn(bucketArn: string): string {
  const literal = Token.isUnresolved(bucketArn) ? undefined : /^arn:([a-z-]+):s3:::(.+)$/.exec(bucketArn);
  return literal ? `arn:${literal[1]}:s3:*:*:${literal[2]}/*` : `${bucketArn}/*`;
}

/** Builds the statements of each persona for one environment. @internal */
export class PersonaStatements {
  private readonly sagemakerArn: string;
  private readonly partition: string;
  constructor(private readonly stack: Stack, private readonly props: PersonaRolesProps) {
    this.partition = literalPartition(stack);
    this.sagemakerArn = this.arn('sagemaker', '*');
  }

  public forPersona(persona: Persona): PersonaPolicy {
    const env = this.props.environment;
    if (persona === Persona.AUDITOR) {
      return {
        allows: [this.sageMakerRead(), this.metricsRead(), ...this.auditRead()],
        denies: [this.denyMutations(true), this.denyDataReads()],
      };
    }
    const mlops = persona === Persona.MLOPS_ENGINEER;
    switch (env) {
      case PersonaEnvironment.EXPERIMENTATION:
        return {
          allows: [
            this.sageMakerRead(), this.metricsRead(), ...this.logsRead(), ...this.logsQuery(),
            this.experimentation(), this.studioAccess(), ...this.registry(persona === Persona.LEAD_DATA_SCIENTIST),
            ...(mlops ? this.mlopsTooling() : []), ...this.dataAccess(),
          ],
          denies: [this.denyStudioUserTagChanges(), ...(persona === Persona.LEAD_DATA_SCIENTIST ? [] : [this.denyModelApproval()])],
        };
      case PersonaEnvironment.DEV:
        return {
          allows: [this.sageMakerRead(), this.metricsRead(), ...this.logsRead(), ...this.logsQuery(), this.invokeEndpoints(),
            ...(mlops ? [this.stacksRead()] : [])],
          denies: [this.denyMutations(false)],
        };
      default:
        return {
          allows: [this.sageMakerRead(), this.metricsRead(), ...(mlops ? [...this.logsRead(), ...this.logsQuery(), this.stacksRead()] : [])],
          denies: [this.denyMutations(true)],
        };
    }
  }

  private arn(service: string, resource: string, resourceName?: string, arnFormat?: ArnFormat): string {
    return this.stack.formatArn({ partition: this.partition, service, resource, resourceName, arnFormat });
  }

  private sageMakerRead(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'SageMakerRead',
        actions: ['sagemaker:Describe*', 'sagemaker:List*', 'sagemaker:Search', 'sagemaker:GetSearchSuggestions',
          'sagemaker:BatchDescribeModelPackage', 'sagemaker:GetModelPackageGroupPolicy', 'sagemaker:BatchGetMetrics'],
        resources: ['*'],
      }),
      wildcardReason: 'SageMaker metadata reads: the List and Search actions support no resource-level permissions, and Describe covers the read-only describe calls of every SageMaker resource type',
    };
  }

  private metricsRead(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'MetricsRead',
        actions: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics', 'cloudwatch:DescribeAlarms',
          'cloudwatch:DescribeAlarmHistory'],
        resources: ['*'],
      }),
      wildcardReason: 'CloudWatch metric reads support no resource-level permissions; alarms are read-only here',
    };
  }

  /**
   * Log reads. EXPERIMENTATION: the streams of the person's own use case's jobs in the job log groups
   * SageMaker writes training, processing and transform jobs to (one per account; a stream's name starts
   * with its job's, `<useCaseNamePrefix><use case>--<step>-<suffix>`, the `jobNamePrefix` of the use
   * case's model-build pipeline); no FilterLogEvents or Logs Insights there, which read every stream of a
   * group. DEV, INT, PROD: only the log group of the person's own use case's endpoint.
   */
  private logsRead(): ReasonedStatement[] {
    const own = `${this.props.useCaseNamePrefix ?? ''}\${aws:PrincipalTag/${USE_CASE_TAG_KEY}}`;
    const group = (g: string) => this.arn('logs', 'log-group', g, ArnFormat.COLON_RESOURCE_NAME);
    if (this.props.environment === PersonaEnvironment.EXPERIMENTATION) {
      // /aws/sagemaker/{Training,Processing,Transform}Jobs (one pattern: the managed policy is near IAM's size limit)
      const jobs = group('/aws/sagemaker/*Jobs');
      return [{
        statement: new iam.PolicyStatement({ sid: 'JobLogStreamsList', actions: ['logs:DescribeLogStreams'], resources: [jobs, `${jobs}:*`] }),
        wildcardReason: 'Listing the streams of the SageMaker job log groups (names only; reading is limited to the person\'s own use case\'s streams)',
      }, {
        statement: new iam.PolicyStatement({ sid: 'JobLogsRead', actions: ['logs:GetLogEvents'], resources: [`${jobs}:log-stream:${own}${JOB_NAME_DELIMITER}*`] }),
        wildcardReason: 'The log streams of the person\'s own use case\'s jobs, named <prefix><use case>--<step>-<suffix>/<instance> at run time',
      }];
    }
    const endpoint = `/aws/sagemaker/Endpoints/${own}${this.props.endpointNameSuffix ?? ''}`;
    return [{
      statement: new iam.PolicyStatement({
        sid: 'LogsRead',
        actions: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartQuery'],
        resources: [group(endpoint), `${group(endpoint)}:*`],
      }),
      wildcardReason: 'The log streams of the person\'s own use case\'s endpoint log group (named after the session tag mlops:use-case)',
    }];
  }

  /**
   * The use-case isolation of data scientists, leads and MLOps engineers (a policy of its own, shared by
   * the three roles): their own use case's resources only and, in EXPERIMENTATION, new resources tagged
   * with it.
   */
  public useCaseIsolation(): iam.PolicyStatement[] {
    const exp = this.props.environment === PersonaEnvironment.EXPERIMENTATION;
    return [...useCaseIsolationStatements(this.stack, this.props.useCaseNamePrefix ?? ''), ...(exp ? this.useCaseTagOnCreate() : [])];
  }

  /**
   * In EXPERIMENTATION every resource a person creates carries their use case (`aws:RequestTag`), and
   * nobody adds, changes or removes the `mlops:use-case` tag of a resource otherwise.
   */
  private useCaseTagOnCreate(): iam.PolicyStatement[] {
    const requestTag = `aws:RequestTag/${USE_CASE_TAG_KEY}`;
    const own = `\${aws:PrincipalTag/${USE_CASE_TAG_KEY}}`;
    const creates = [...EXPERIMENTATION_CREATES, ...MLOPS_CREATES].map((a) => `sagemaker:${a}`);
    return [
      new iam.PolicyStatement({
        sid: 'TagNewResourcesWithOwnUseCase',
        effect: iam.Effect.DENY,
        actions: creates,
        resources: ['*'],
        conditions: { StringNotEquals: { [requestTag]: own } },
      }),
      new iam.PolicyStatement({
        sid: 'NoOtherUseCaseTag',
        effect: iam.Effect.DENY,
        actions: ['sagemaker:AddTags'],
        resources: ['*'],
        conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [USE_CASE_TAG_KEY] }, 'StringNotEquals': { [requestTag]: own } },
      }),
      new iam.PolicyStatement({
        sid: 'NoUseCaseTagRemoval',
        effect: iam.Effect.DENY,
        actions: ['sagemaker:DeleteTags'],
        resources: ['*'],
        conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [USE_CASE_TAG_KEY] } },
      }),
    ];
  }

  private logsQuery(): ReasonedStatement[] {
    return [{
      statement: new iam.PolicyStatement({
        sid: 'LogsQuery',
        actions: ['logs:DescribeLogGroups', 'logs:GetQueryResults', 'logs:StopQuery', 'logs:DescribeQueries'],
        resources: ['*'],
      }),
      wildcardReason: 'Listing log groups and reading Logs Insights query results support no resource-level permissions; the data is limited by the log groups StartQuery may use',
    }];
  }

  private invokeEndpoints(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'InvokeEndpoints',
        actions: SAGEMAKER_INVOKE,
        resources: [this.arn('sagemaker', 'endpoint', '*'), this.arn('sagemaker', 'inference-component', '*')],
      }),
      wildcardReason: 'Troubleshooting invokes the endpoints of this account and region, whose names the deployment pipelines choose',
    };
  }

  private stacksRead(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'StacksRead',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents', 'cloudformation:DescribeStackResources',
          'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
        resources: [this.arn('cloudformation', 'stack', '*')],
      }),
      wildcardReason: 'MLOps engineers read the deployment stacks of this account and region, whose names come from the use cases',
    };
  }

  /** Experiments, jobs, models, endpoints and pipelines in EXP; the guardrail policy denies every non-compliant request. */
  private experimentation(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'Experimentation',
        actions: [
          'CreateTrainingJob', 'StopTrainingJob', 'CreateProcessingJob', 'StopProcessingJob', 'CreateHyperParameterTuningJob',
          'StopHyperParameterTuningJob', 'CreateTransformJob', 'StopTransformJob', 'CreateAutoMLJob', 'CreateAutoMLJobV2', 'StopAutoMLJob',
          'CreateModel', 'DeleteModel', 'CreateEndpointConfig', 'DeleteEndpointConfig', 'CreateEndpoint', 'UpdateEndpoint', 'DeleteEndpoint',
          'InvokeEndpoint', 'InvokeEndpointAsync', 'CreateExperiment', 'UpdateExperiment', 'DeleteExperiment', 'CreateTrial', 'UpdateTrial',
          'DeleteTrial', 'CreateTrialComponent', 'UpdateTrialComponent', 'DeleteTrialComponent', 'AssociateTrialComponent',
          'DisassociateTrialComponent', 'BatchPutMetrics', 'CreatePipeline', 'UpdatePipeline', 'StartPipelineExecution',
          'StopPipelineExecution', 'RetryPipelineExecution', 'SendPipelineExecutionStepSuccess', 'SendPipelineExecutionStepFailure',
          'CreateModelPackageGroup', 'AddTags',
        ].map((a) => `sagemaker:${a}`),
        resources: [this.sagemakerArn],
      }),
      wildcardReason: 'The actions are enumerated and each applies only to its own resource type; the ARN pins this account and region because job, model and endpoint names are chosen at run time',
    };
  }

  /** Studio: only one's own user profile (resource tag `studio-user` = session tag `studio-user`). */
  private studioAccess(): ReasonedStatement {
    return {
      statement: new iam.PolicyStatement({
        sid: 'OwnStudioUserProfile',
        actions: ['sagemaker:CreatePresignedDomainUrl'],
        resources: [this.arn('sagemaker', 'user-profile', '*')],
        conditions: { StringEquals: { [`aws:ResourceTag/${STUDIO_USER_TAG}`]: `\${aws:PrincipalTag/${STUDIO_USER_TAG}}` } },
      }),
      wildcardReason: 'Studio user profiles of this account and region, restricted by the condition to the profile tagged with the caller\'s own studio-user session tag',
    };
  }

  /** Model registry: everybody registers versions pending approval; leads also approve, reject and delete. */
  private registry(lead: boolean): ReasonedStatement[] {
    const reason = 'Model package ARNs carry group names and version numbers chosen when models are registered; the ARN pins this account and region';
    const statements: ReasonedStatement[] = [{
      statement: new iam.PolicyStatement({
        sid: 'RegisterModels',
        actions: ['sagemaker:CreateModelPackage'],
        resources: [this.arn('sagemaker', 'model-package', '*')],
        conditions: { StringEqualsIfExists: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' } },
      }),
      wildcardReason: reason,
    }];
    if (lead) {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'ApproveModels',
          actions: ['sagemaker:UpdateModelPackage', 'sagemaker:DeleteModelPackage', 'sagemaker:DeleteModelPackageGroup'],
          resources: [this.arn('sagemaker', 'model-package', '*'), this.arn('sagemaker', 'model-package-group', '*')],
        }),
        wildcardReason: reason,
      });
    } else {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'UpdateModelVersionMetadata',
          actions: ['sagemaker:UpdateModelPackage'],
          resources: [this.arn('sagemaker', 'model-package', '*')],
          conditions: { Null: { 'sagemaker:ModelApprovalStatus': 'true' } },
        }),
        wildcardReason: reason,
      });
    }
    return statements;
  }

  /** The `studio-user` tag decides whose Studio profile one may open: nobody may set or remove it. */
  private denyStudioUserTagChanges(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'NoStudioUserTagChanges',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
      resources: ['*'],
      conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [STUDIO_USER_TAG] } },
    });
  }

  private denyModelApproval(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'OnlyLeadsApproveModels',
      effect: iam.Effect.DENY,
      actions: ['sagemaker:CreateModelPackage', 'sagemaker:UpdateModelPackage'],
      resources: ['*'],
      conditions: { StringEquals: { 'sagemaker:ModelApprovalStatus': ['Approved', 'Rejected'] } },
    });
  }

  private mlopsTooling(): ReasonedStatement[] {
    return [{
      statement: new iam.PolicyStatement({
        sid: 'MlopsTooling',
        actions: [
          'CreateMonitoringSchedule', 'UpdateMonitoringSchedule', 'DeleteMonitoringSchedule', 'StartMonitoringSchedule',
          'StopMonitoringSchedule', 'CreateDataQualityJobDefinition', 'CreateModelQualityJobDefinition', 'CreateModelBiasJobDefinition',
          'CreateModelExplainabilityJobDefinition', 'DeleteDataQualityJobDefinition', 'DeleteModelQualityJobDefinition',
          'DeleteModelBiasJobDefinition', 'DeleteModelExplainabilityJobDefinition', 'PutModelPackageGroupPolicy',
          'DeleteModelPackageGroupPolicy', 'DeletePipeline', 'CreateProject', 'UpdateProject', 'DeleteProject',
        ].map((a) => `sagemaker:${a}`),
        resources: [this.sagemakerArn],
      }),
      wildcardReason: 'The actions are enumerated and each applies only to its own resource type; the ARN pins this account and region because schedule, definition and project names are chosen at run time',
    }, {
      statement: new iam.PolicyStatement({
        sid: SERVICE_CATALOG_SID,
        actions: ['servicecatalog:SearchProducts', 'servicecatalog:DescribeProduct', 'servicecatalog:DescribeProductView',
          'servicecatalog:DescribeProvisioningParameters', 'servicecatalog:ListLaunchPaths', 'servicecatalog:ProvisionProduct',
          'servicecatalog:UpdateProvisionedProduct', 'servicecatalog:TerminateProvisionedProduct', 'servicecatalog:DescribeRecord',
          'servicecatalog:SearchProvisionedProducts', 'servicecatalog:DescribeProvisionedProduct'],
        resources: ['*'],
      }),
      wildcardReason: 'Service Catalog end-user actions support no resource-level permissions; the launch constraint role, not the engineer, creates the resources',
    }];
  }

  private dataAccess(): ReasonedStatement[] {
    const statements: ReasonedStatement[] = [];
    const buckets = this.props.dataBucketArns ?? [];
    if (buckets.length > 0) {
      statements.push({
        statement: new iam.PolicyStatement({ sid: 'DataBuckets', actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: buckets }),
      }, {
        statement: new iam.PolicyStatement({
          sid: 'DataObjects',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
          resources: buckets.map(objectsArn),
        }),
        wildcardReason: 'Objects of the named experimentation buckets, whose keys are chosen by the data scientists',
      });
    }
    const keys = this.props.kmsKeyArns ?? [];
    if (keys.length > 0) {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'UseKeys',
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey'],
          resources: keys,
        }),
      }, {
        statement: new iam.PolicyStatement({
          sid: 'GrantKeysToSageMaker',
          actions: ['kms:CreateGrant'],
          resources: keys,
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      });
    }
    const roles = this.props.passableRoleArns ?? [];
    if (roles.length > 0) {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'PassExecutionRoles',
          actions: ['iam:PassRole'],
          resources: roles,
          conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }),
      });
    }
    return statements;
  }

  private auditRead(): ReasonedStatement[] {
    return [{
      statement: new iam.PolicyStatement({
        sid: 'AuditRead',
        actions: [
          'cloudtrail:LookupEvents', 'cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors',
          'config:Describe*', 'config:Get*', 'config:List*', 'iam:Get*', 'iam:List*', 'iam:GenerateCredentialReport',
          'access-analyzer:List*', 'access-analyzer:Get*', 'kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus',
          'kms:ListKeys', 'kms:ListAliases', 'kms:ListResourceTags', 's3:ListAllMyBuckets', 's3:GetBucketPolicy',
          's3:GetEncryptionConfiguration', 's3:GetBucketPublicAccessBlock', 's3:GetBucketVersioning', 's3:GetBucketLogging',
          'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeVpcEndpoints', 'logs:DescribeLogGroups',
        ],
        resources: ['*'],
      }),
      wildcardReason: 'An auditor reviews the configuration of every resource of the account: these read-only configuration and audit-trail actions apply to all resources by design',
    }];
  }

  /** People outside EXP and auditors change nothing in SageMaker (and, with `invoke`, invoke no endpoint). */
  private denyMutations(invoke: boolean): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: invoke ? 'ReadOnlySageMaker' : 'NoSageMakerChanges',
      effect: iam.Effect.DENY,
      actions: [...SAGEMAKER_MUTATIONS, ...(invoke ? SAGEMAKER_INVOKE : [])],
      resources: ['*'],
    });
  }

  private denyDataReads(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'NoDataReads',
      effect: iam.Effect.DENY,
      actions: ['s3:GetObject', 's3:GetObjectVersion', 'sagemaker:GetRecord', 'sagemaker:BatchGetRecord', 'logs:GetLogEvents',
        'logs:FilterLogEvents', 'logs:StartQuery'],
      resources: ['*'],
    });
  }
}
