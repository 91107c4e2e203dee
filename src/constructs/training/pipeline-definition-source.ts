import * as fs from 'fs';
import { Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PipelineDefinition } from './pipeline-definition';

/** What a `PipelineDefinitionSource` is. */
export enum PipelineDefinitionSourceKind {
  /** A `PipelineDefinition` built with this library's builder. */
  DEFINITION = 'DEFINITION',
  /** A JSON file (e.g. written by the SageMaker Python SDK's `pipeline.definition()`), read at synth time. */
  JSON_FILE = 'JSON_FILE',
  /** A JSON object in S3 that SageMaker reads when the pipeline is created or updated. */
  S3 = 'S3',
}

/**
 * Values that `ModelBuildPipeline` fills in when it renders a definition: write them into a
 * `PipelineDefinition` (`PipelineValue.fromString(PipelinePlaceholder.ROLE_ARN)`) or into a JSON
 * file (e.g. `role="{{ModelBuildPipeline.RoleArn}}"` in the SageMaker Python SDK) where the value is
 * only known once the construct exists: its execution role, its artifact bucket, its key, its
 * subnets and security groups.
 *
 * A placeholder may be a whole string or part of one (`s3://{{ModelBuildPipeline.ArtifactBucketName}}/code/train.py`);
 * `SUBNET_IDS` and `SECURITY_GROUP_IDS` must be whole elements of a list and expand to every id.
 * An unknown `{{ModelBuildPipeline.*}}` placeholder fails the synthesis.
 *
 * @example
 * const definition = PredictiveMaintenancePipeline.definition({
 *   pipelineName: 'weld-gun-build',
 *   region: 'eu-central-1',
 *   roleArn: PipelinePlaceholder.ROLE_ARN,
 *   bucketName: PipelinePlaceholder.ARTIFACT_BUCKET_NAME,
 *   kmsKeyArn: PipelinePlaceholder.KMS_KEY_ARN,
 *   subnetIds: [PipelinePlaceholder.SUBNET_IDS],
 *   securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS],
 *   modelPackageGroupName: 'weld-gun',
 * });
 */
export class PipelinePlaceholder {
  /** The ARN of the pipeline's execution role (`ModelBuildPipeline.role`). */
  public static readonly ROLE_ARN = '{{ModelBuildPipeline.RoleArn}}';
  /** The name of the pipeline's artifact bucket (`ModelBuildPipeline.artifactBucket`). */
  public static readonly ARTIFACT_BUCKET_NAME = '{{ModelBuildPipeline.ArtifactBucketName}}';
  /** The ARN of the pipeline's KMS key (`ModelBuildPipelineProps.encryptionKey`). */
  public static readonly KMS_KEY_ARN = '{{ModelBuildPipeline.KmsKeyArn}}';
  /** Every subnet id of the jobs (an element of a list; it expands to all of them). */
  public static readonly SUBNET_IDS = '{{ModelBuildPipeline.SubnetIds}}';
  /** Every security group id of the jobs (an element of a list; it expands to all of them). */
  public static readonly SECURITY_GROUP_IDS = '{{ModelBuildPipeline.SecurityGroupIds}}';
  /**
   * The image of the jobs and the model (the pipeline's `imageUri`, e.g. the use case's own image of the
   * central registry by digest, which the training stack fills in at deployment).
   */
  public static readonly IMAGE_URI = '{{ModelBuildPipeline.ImageUri}}';

  private constructor() {}
}

/**
 * Where a `ModelBuildPipeline` gets its SageMaker Pipelines definition from.
 *
 * - `fromDefinition`: a definition built with this library (`PipelineDefinition`); rendered inside the
 *   stack, so that CDK tokens in it resolve; checked at synth time.
 * - `fromJsonFile`: bring your own JSON, e.g. written by the SageMaker Python SDK
 *   (`open(path, "w").write(pipeline.definition())`); read and checked at synth time.
 * - `fromS3`: a JSON object in S3, which CloudFormation hands to SageMaker by location
 *   (`PipelineDefinitionS3Location`); it cannot be checked at synth time.
 *
 * @example
 * PipelineDefinitionSource.fromDefinition(definition);
 * PipelineDefinitionSource.fromJsonFile('ml/pipeline.json');
 * PipelineDefinitionSource.fromS3(bucket, 'pipelines/weld-gun.json');
 */
export abstract class PipelineDefinitionSource {
  /**
   * A definition built with this library's builder.
   * @param definition the definition
   */
  public static fromDefinition(definition: PipelineDefinition): PipelineDefinitionSource {
    return new BuiltDefinitionSource(definition);
  }

  /**
   * A definition in a JSON file, read (and checked) when this method is called, i.e. at synth time.
   * A relative path is resolved against the working directory of the CDK app.
   * @param path the file's path
   */
  public static fromJsonFile(path: string): PipelineDefinitionSource {
    let text: string;
    try {
      text = fs.readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`PipelineDefinitionSource.fromJsonFile: cannot read ${JSON.stringify(path)} (${(e as Error).message}); give the path of the pipeline definition JSON, relative to the directory the CDK app runs in`);
    }
    let json: any;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`PipelineDefinitionSource.fromJsonFile: ${JSON.stringify(path)} is not valid JSON (${(e as Error).message}); write the file with the SageMaker Python SDK's pipeline.definition()`);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json) || !Array.isArray(json.Steps)) {
      throw new Error(`PipelineDefinitionSource.fromJsonFile: ${JSON.stringify(path)} is JSON but not a SageMaker pipeline definition (an object with a "Steps" list); write the file with the SageMaker Python SDK's pipeline.definition()`);
    }
    if (json.Version !== undefined && json.Version !== '2020-12-01') {
      throw new Error(`PipelineDefinitionSource.fromJsonFile: ${JSON.stringify(path)} has "Version": ${JSON.stringify(json.Version)}; SageMaker Pipelines reads definitions of version "2020-12-01"`);
    }
    return new JsonFileSource(path, json);
  }

  /**
   * A definition stored in S3. CloudFormation reads it with the deploying identity's permissions
   * (`s3:GetObject`, and `kms:Decrypt` for an encrypted object) when the pipeline is created or
   * updated; an update of the object alone does not update the pipeline unless `objectVersion` changes.
   * The definition is not checked at synth time (the construct records a warning): the execution
   * role's conditions still deny jobs outside the VPC or without encryption.
   *
   * @param bucket the bucket
   * @param key the object key, e.g. `pipelines/weld-gun.json`
   * @param objectVersion the object version to use
   * @default objectVersion - the latest version at deployment
   */
  public static fromS3(bucket: s3.IBucket, key: string, objectVersion?: string): PipelineDefinitionSource {
    if (!Token.isUnresolved(key) && (key.length === 0 || key.startsWith('/'))) {
      throw new Error(`PipelineDefinitionSource.fromS3: key ${JSON.stringify(key)} is not an S3 object key; write it without a leading '/', e.g. 'pipelines/weld-gun.json'`);
    }
    return new S3Source(bucket, key, objectVersion);
  }

  /** What kind of source this is. */
  public abstract readonly kind: PipelineDefinitionSourceKind;

  /** For humans, in messages: the pipeline name, file path or S3 location. */
  public abstract readonly description: string;

  /** The definition JSON (a fresh copy), or undefined for S3 sources. @internal */
  public abstract _definitionJson(): any | undefined;

  /** The name the definition was built for, if known. @internal */
  public _builtForPipelineName(): string | undefined {
    return undefined;
  }

  /** The S3 location (`PipelineDefinitionS3Location`, CloudFormation spelling), or undefined. @internal */
  public _s3Location(): any | undefined {
    return undefined;
  }
}

class BuiltDefinitionSource extends PipelineDefinitionSource {
  public readonly kind = PipelineDefinitionSourceKind.DEFINITION;
  public readonly description: string;
  constructor(private readonly definition: PipelineDefinition) {
    super();
    this.description = `PipelineDefinition "${definition.pipelineName}"`;
  }
  public _definitionJson(): any {
    return this.definition.toJson();
  }
  public _builtForPipelineName(): string | undefined {
    return this.definition.pipelineName;
  }
}

class JsonFileSource extends PipelineDefinitionSource {
  public readonly kind = PipelineDefinitionSourceKind.JSON_FILE;
  public readonly description: string;
  private readonly text: string;
  constructor(path: string, json: any) {
    super();
    this.description = `JSON file ${path}`;
    this.text = JSON.stringify(json);
  }
  public _definitionJson(): any {
    return JSON.parse(this.text);
  }
}

class S3Source extends PipelineDefinitionSource {
  public readonly kind = PipelineDefinitionSourceKind.S3;
  public readonly description: string;
  constructor(private readonly bucket: s3.IBucket, private readonly key: string, private readonly objectVersion?: string) {
    super();
    this.description = `s3://${bucket.bucketName}/${key}`;
  }
  public _definitionJson(): any {
    return undefined;
  }
  public _s3Location(): any {
    return { Bucket: this.bucket.bucketName, Key: this.key, ...(this.objectVersion ? { Version: this.objectVersion } : {}) };
  }
}
