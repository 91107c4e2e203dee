import { Token } from 'aws-cdk-lib';
import {
  PipelineVpcConfig, PropertyFile, S3CompressionType, S3DataDistributionType, S3DataType, S3InputMode,
  S3UploadMode, compact, renderCache, renderVpc,
} from './common';
import { JobStepOptions, jobNameArgument } from './job-step';
import { PipelineStep, StepType, withAdditional } from './step';
import { PipelineValue, v, vlist, vmap } from './value';

/** An input of a processing job (`ProcessingInputs[]` with an `S3Input`). */
export interface ProcessingInput {
  /** The input's name (`InputName`), unique in the step. */
  readonly inputName: string;
  /** Where the data is read from (`S3Input.S3Uri`). */
  readonly s3Uri: PipelineValue;
  /** Where the container sees the data (`S3Input.LocalPath`), under `/opt/ml/processing`. */
  readonly localPath: string;
  /**
   * `S3Input.S3DataType`.
   * @default S3DataType.S3_PREFIX
   */
  readonly s3DataType?: S3DataType;
  /**
   * `S3Input.S3InputMode`.
   * @default S3InputMode.FILE
   */
  readonly s3InputMode?: S3InputMode;
  /**
   * `S3Input.S3DataDistributionType`.
   * @default S3DataDistributionType.FULLY_REPLICATED
   */
  readonly s3DataDistributionType?: S3DataDistributionType;
  /**
   * `S3Input.S3CompressionType`.
   * @default S3CompressionType.NONE
   */
  readonly s3CompressionType?: S3CompressionType;
}

/** An output of a processing job (`ProcessingOutputConfig.Outputs[]` with an `S3Output`). */
export interface ProcessingOutput {
  /** The output's name (`OutputName`), unique in the step; `outputS3Uri(name)` references it. */
  readonly outputName: string;
  /** Where the output is uploaded (`S3Output.S3Uri`). */
  readonly s3Uri: PipelineValue;
  /** The container's directory to upload (`S3Output.LocalPath`). */
  readonly localPath: string;
  /**
   * `S3Output.S3UploadMode`.
   * @default S3UploadMode.END_OF_JOB
   */
  readonly s3UploadMode?: S3UploadMode;
}

/**
 * A script that the processing job runs, as the SDK's `ScriptProcessor.run(code=...)` does: the
 * script is added as the last input, named `code`, at `/opt/ml/processing/input/code`, and the
 * container entrypoint becomes `[...command, '/opt/ml/processing/input/code/<file name>']`.
 */
export interface ProcessingCode {
  /** The S3 URI of the script; its last path segment (the file name) must not be a token. */
  readonly s3Uri: string;
  /**
   * The command that runs the script.
   * @default ['python3']
   */
  readonly command?: string[];
}

/** Props of a `ProcessingStep` (the `CreateProcessingJob` request fields the SDK emits). */
export interface ProcessingStepProps extends JobStepOptions {
  /** The role the job runs as (`RoleArn`). */
  readonly roleArn: PipelineValue;
  /** The container image (`AppSpecification.ImageUri`). */
  readonly imageUri: PipelineValue;
  /** The instance type (`ProcessingResources.ClusterConfig.InstanceType`). */
  readonly instanceType: PipelineValue;
  /**
   * The number of instances (`ClusterConfig.InstanceCount`).
   * @default 1
   */
  readonly instanceCount?: PipelineValue;
  /**
   * The size of the ML storage volume in GB (`ClusterConfig.VolumeSizeInGB`).
   * @default 30
   */
  readonly volumeSizeInGb?: PipelineValue;
  /**
   * The KMS key that encrypts the storage volume (`ClusterConfig.VolumeKmsKeyId`).
   * @default - none (SageMaker's default encryption)
   */
  readonly volumeKmsKeyId?: PipelineValue;
  /**
   * A script to run (adds the `code` input and sets the entrypoint); see `ProcessingCode`.
   * Give either `code` or `containerEntrypoint`.
   * @default - none
   */
  readonly code?: ProcessingCode;
  /**
   * The container entrypoint (`AppSpecification.ContainerEntrypoint`).
   * @default - the image's entrypoint (or the one `code` sets)
   */
  readonly containerEntrypoint?: string[];
  /**
   * The container arguments (`AppSpecification.ContainerArguments`).
   * @default - none
   */
  readonly containerArguments?: PipelineValue[];
  /**
   * The inputs (`ProcessingInputs`).
   * @default - none (besides `code`)
   */
  readonly inputs?: ProcessingInput[];
  /**
   * The outputs (`ProcessingOutputConfig.Outputs`).
   * @default - none
   */
  readonly outputs?: ProcessingOutput[];
  /**
   * The KMS key that encrypts the outputs (`ProcessingOutputConfig.KmsKeyId`).
   * @default - none (the bucket's default encryption)
   */
  readonly outputKmsKeyId?: PipelineValue;
  /**
   * The maximum run time (`StoppingCondition.MaxRuntimeInSeconds`).
   * @default - no `StoppingCondition` (SageMaker's default)
   */
  readonly maxRuntimeInSeconds?: PipelineValue;
  /**
   * Environment variables of the container (`Environment`).
   * @default - none
   */
  readonly environment?: { [key: string]: PipelineValue };
  /**
   * The VPC the job runs in (`NetworkConfig.VpcConfig`).
   * @default - none
   */
  readonly vpcConfig?: PipelineVpcConfig;
  /**
   * `NetworkConfig.EnableNetworkIsolation`.
   * @default - not rendered (SageMaker's default: false)
   */
  readonly enableNetworkIsolation?: boolean;
  /**
   * `NetworkConfig.EnableInterContainerTrafficEncryption`.
   * @default - not rendered (SageMaker's default: false)
   */
  readonly enableInterContainerTrafficEncryption?: boolean;
  /**
   * JSON files the job writes that later steps read with `jsonGet` (`PropertyFiles`).
   * @default - none
   */
  readonly propertyFiles?: PropertyFile[];
}

const CODE_DIR = '/opt/ml/processing/input/code';

/**
 * A processing step (`Type: Processing`): a SageMaker processing job.
 *
 * @example
 * const evaluate = new ProcessingStep('Evaluate', {
 *   roleArn: PipelineValue.fromString(role.roleArn),
 *   imageUri: PipelineValue.fromString(image),
 *   instanceType: PipelineValue.fromString('ml.m5.xlarge'),
 *   code: { s3Uri: 's3://bucket/code/evaluate.py' },
 *   inputs: [{ inputName: 'model', s3Uri: train.modelArtifactsS3Uri(), localPath: '/opt/ml/processing/model' }],
 *   outputs: [{ outputName: 'evaluation', s3Uri: PipelineValue.fromString('s3://bucket/eval'), localPath: '/opt/ml/processing/evaluation' }],
 *   propertyFiles: [{ name: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' }],
 * });
 * const accuracy = evaluate.jsonGet('EvaluationReport', 'metrics.accuracy.value');
 */
export class ProcessingStep extends PipelineStep {
  private readonly props: ProcessingStepProps;

  /**
   * @param stepName the step's name, unique in the pipeline
   * @param props the job's settings
   */
  constructor(stepName: string, props: ProcessingStepProps) {
    super(stepName, StepType.PROCESSING, props);
    this.props = props;
    jobNameArgument(stepName, 'ProcessingJobName', props.jobNamePrefix);
    const where = `step "${stepName}"`;
    if (props.code && props.containerEntrypoint) {
      throw new Error(`${where}: give either code or containerEntrypoint, not both (code sets the entrypoint to run the script)`);
    }
    if (props.code) codeFileName(stepName, props.code.s3Uri);
    const inputNames = [...(props.inputs ?? []).map((i) => i.inputName), ...(props.code ? ['code'] : [])];
    checkUnique(where, 'input name', inputNames);
    const outputNames = (props.outputs ?? []).map((o) => o.outputName);
    checkUnique(where, 'output name', outputNames);
    checkUnique(where, 'property file name', (props.propertyFiles ?? []).map((p) => p.name));
    const outputsOverridden = props.additionalArguments?.ProcessingOutputConfig !== undefined;
    for (const file of props.propertyFiles ?? []) {
      if (!outputsOverridden && !outputNames.includes(file.outputName)) {
        throw new Error(`${where}: property file "${file.name}" refers to unknown output "${file.outputName}"; outputs are ${JSON.stringify(outputNames)}`);
      }
    }
  }

  /**
   * The S3 URI of an output:
   * `{"Get": "Steps.<name>.ProcessingOutputConfig.Outputs['<outputName>'].S3Output.S3Uri"}`.
   * @param outputName a declared output's name
   */
  public outputS3Uri(outputName: string): PipelineValue {
    const names = (this.props.outputs ?? []).map((o) => o.outputName);
    if (!names.includes(outputName)) {
      throw new Error(`step "${this.stepName}": unknown output "${outputName}"; outputs are ${JSON.stringify(names)}`);
    }
    return this.property(`ProcessingOutputConfig.Outputs['${outputName}'].S3Output.S3Uri`);
  }

  /**
   * `Std:JsonGet` on one of this step's property files.
   * @param propertyFileName a declared property file's name
   * @param jsonPath the JSON path inside the file, e.g. `metrics.accuracy.value`
   */
  public jsonGet(propertyFileName: string, jsonPath: string): PipelineValue {
    const names = (this.props.propertyFiles ?? []).map((p) => p.name);
    if (!names.includes(propertyFileName)) {
      throw new Error(`step "${this.stepName}": unknown property file "${propertyFileName}"; property files are ${JSON.stringify(names)}`);
    }
    return PipelineValue.jsonGet(this, propertyFileName, jsonPath);
  }

  /** @internal */
  public _renderArguments(): any {
    const p = this.props;
    const inputs = (p.inputs ?? []).map((i) => renderInput(i.inputName, i.s3Uri.toJson(), i.localPath, i));
    let entrypoint: string[] | undefined = p.containerEntrypoint ? [...p.containerEntrypoint] : undefined;
    if (p.code) {
      inputs.push(renderInput('code', p.code.s3Uri, CODE_DIR, {}));
      entrypoint = [...(p.code.command ?? ['python3']), `${CODE_DIR}/${codeFileName(this.stepName, p.code.s3Uri)}`];
    }
    const network = p.vpcConfig !== undefined || p.enableNetworkIsolation !== undefined || p.enableInterContainerTrafficEncryption !== undefined
      ? {
        EnableNetworkIsolation: p.enableNetworkIsolation,
        EnableInterContainerTrafficEncryption: p.enableInterContainerTrafficEncryption,
        VpcConfig: renderVpc(p.vpcConfig),
      }
      : undefined;
    const args = compact({
      ...jobNameArgument(this.stepName, 'ProcessingJobName', p.jobNamePrefix),
      ProcessingResources: {
        ClusterConfig: {
          InstanceType: p.instanceType.toJson(),
          InstanceCount: v(p.instanceCount) ?? 1,
          VolumeSizeInGB: v(p.volumeSizeInGb) ?? 30,
          VolumeKmsKeyId: v(p.volumeKmsKeyId),
        },
      },
      AppSpecification: {
        ImageUri: p.imageUri.toJson(),
        ContainerEntrypoint: entrypoint,
        ContainerArguments: vlist(p.containerArguments),
      },
      RoleArn: p.roleArn.toJson(),
      ProcessingInputs: inputs.length > 0 ? inputs : undefined,
      ProcessingOutputConfig: p.outputs && p.outputs.length > 0
        ? {
          Outputs: p.outputs.map((o) => ({
            OutputName: o.outputName,
            S3Output: { S3Uri: o.s3Uri.toJson(), LocalPath: o.localPath, S3UploadMode: o.s3UploadMode ?? S3UploadMode.END_OF_JOB },
          })),
          KmsKeyId: v(p.outputKmsKeyId),
        }
        : undefined,
      StoppingCondition: p.maxRuntimeInSeconds ? { MaxRuntimeInSeconds: p.maxRuntimeInSeconds.toJson() } : undefined,
      Environment: vmap(p.environment),
      NetworkConfig: network,
    });
    return withAdditional(args, p.additionalArguments);
  }

  /** @internal */
  public _renderFields(): { [key: string]: any } {
    const out: { [key: string]: any } = {};
    if (this.props.retryPolicies && this.props.retryPolicies.length > 0) out.RetryPolicies = this.props.retryPolicies.map((r) => r.toJson());
    if (this.props.cacheConfig) out.CacheConfig = renderCache(this.props.cacheConfig);
    if (this.props.propertyFiles && this.props.propertyFiles.length > 0) {
      out.PropertyFiles = this.props.propertyFiles.map((f) => ({ PropertyFileName: f.name, OutputName: f.outputName, FilePath: f.filePath }));
    }
    return out;
  }

  /** @internal */
  public _propertyFileOutputs(): { [name: string]: string } {
    const out: { [name: string]: string } = {};
    for (const f of this.props.propertyFiles ?? []) out[f.name] = f.outputName;
    return out;
  }
}

function renderInput(name: string, s3Uri: any, localPath: string, i: Partial<ProcessingInput>): any {
  return {
    InputName: name,
    S3Input: {
      S3Uri: s3Uri,
      LocalPath: localPath,
      S3DataType: i.s3DataType ?? S3DataType.S3_PREFIX,
      S3InputMode: i.s3InputMode ?? S3InputMode.FILE,
      S3DataDistributionType: i.s3DataDistributionType ?? S3DataDistributionType.FULLY_REPLICATED,
      S3CompressionType: i.s3CompressionType ?? S3CompressionType.NONE,
    },
  };
}

function codeFileName(stepName: string, s3Uri: string): string {
  const name = s3Uri.substring(s3Uri.lastIndexOf('/') + 1);
  if (!s3Uri.startsWith('s3://') || !name || Token.isUnresolved(name)) {
    throw new Error(`step "${stepName}": code.s3Uri ${JSON.stringify(s3Uri)} must be an s3:// URI that ends in the script's file name (the file name must not be a token), e.g. "s3://bucket/code/evaluate.py"`);
  }
  return name;
}

/** Throws if a name occurs twice. @internal */
export function checkUnique(where: string, what: string, names: string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`${where}: duplicate ${what} "${n}"`);
    seen.add(n);
  }
}
