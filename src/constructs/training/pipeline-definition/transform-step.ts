import { S3CompressionType, S3DataType, compact } from './common';
import { JobStepOptions, jobNameArgument } from './job-step';
import { PipelineStep, StepType, withAdditional } from './step';
import { renderJobFields } from './training-step';
import { PipelineValue, v, vmap } from './value';

/** How records are batched into requests (`BatchStrategy`). */
export enum BatchStrategy {
  /** `MultiRecord` */
  MULTI_RECORD = 'MultiRecord',
  /** `SingleRecord` */
  SINGLE_RECORD = 'SingleRecord',
}

/** How input files are split into records (`TransformInput.SplitType`). */
export enum SplitType {
  /** `None` */
  NONE = 'None',
  /** `Line` */
  LINE = 'Line',
  /** `RecordIO` */
  RECORD_IO = 'RecordIO',
  /** `TFRecord` */
  TF_RECORD = 'TFRecord',
}

/** How output records are assembled (`TransformOutput.AssembleWith`). */
export enum AssembleWith {
  /** `None` */
  NONE = 'None',
  /** `Line` */
  LINE = 'Line',
}

/** What is joined to the output (`DataProcessing.JoinSource`). */
export enum JoinSource {
  /** `Input`: the input record. */
  INPUT = 'Input',
  /** `None` */
  NONE = 'None',
}

/** Props of a `TransformStep` (a `CreateTransformJob` request). */
export interface TransformStepProps extends JobStepOptions {
  /** The model to run (`ModelName`), typically `createModelStep.modelName()`. */
  readonly modelName: PipelineValue;
  /** The input data (`TransformInput.DataSource.S3DataSource.S3Uri`). */
  readonly inputS3Uri: PipelineValue;
  /**
   * `S3DataSource.S3DataType`.
   * @default S3DataType.S3_PREFIX
   */
  readonly inputS3DataType?: S3DataType;
  /**
   * The MIME type of the input (`TransformInput.ContentType`).
   * @default - none
   */
  readonly contentType?: PipelineValue;
  /**
   * `TransformInput.CompressionType`.
   * @default - none rendered
   */
  readonly compressionType?: S3CompressionType;
  /**
   * `TransformInput.SplitType`.
   * @default - none rendered
   */
  readonly splitType?: SplitType;
  /** Where results are written (`TransformOutput.S3OutputPath`). */
  readonly outputPath: PipelineValue;
  /**
   * The MIME type of the output (`TransformOutput.Accept`).
   * @default - none
   */
  readonly accept?: PipelineValue;
  /**
   * `TransformOutput.AssembleWith`.
   * @default - none rendered
   */
  readonly assembleWith?: AssembleWith;
  /**
   * The KMS key of the output (`TransformOutput.KmsKeyId`).
   * @default - none
   */
  readonly outputKmsKeyId?: PipelineValue;
  /** The instance type (`TransformResources.InstanceType`). */
  readonly instanceType: PipelineValue;
  /**
   * The number of instances (`TransformResources.InstanceCount`).
   * @default 1
   */
  readonly instanceCount?: PipelineValue;
  /**
   * The KMS key of the storage volume (`TransformResources.VolumeKmsKeyId`).
   * @default - none
   */
  readonly volumeKmsKeyId?: PipelineValue;
  /**
   * `BatchStrategy`.
   * @default - none rendered
   */
  readonly batchStrategy?: BatchStrategy;
  /**
   * `MaxPayloadInMB`.
   * @default - none
   */
  readonly maxPayloadInMb?: PipelineValue;
  /**
   * `MaxConcurrentTransforms`.
   * @default - none
   */
  readonly maxConcurrentTransforms?: PipelineValue;
  /**
   * Environment variables of the container (`Environment`).
   * @default - none
   */
  readonly environment?: { [key: string]: PipelineValue };
  /**
   * `DataProcessing.InputFilter` (a JSONPath).
   * @default - none
   */
  readonly inputFilter?: PipelineValue;
  /**
   * `DataProcessing.OutputFilter` (a JSONPath).
   * @default - none
   */
  readonly outputFilter?: PipelineValue;
  /**
   * `DataProcessing.JoinSource`.
   * @default - none rendered
   */
  readonly joinSource?: JoinSource;
}

/**
 * A batch transform step (`Type: Transform`).
 *
 * @example
 * const transform = new TransformStep('BatchTransform', {
 *   modelName: createModel.modelName(),
 *   inputS3Uri: batchInput.value,
 *   outputPath: PipelineValue.fromString('s3://bucket/batch-output'),
 *   instanceType: PipelineValue.fromString('ml.m5.xlarge'),
 * });
 */
export class TransformStep extends PipelineStep {
  private readonly props: TransformStepProps;

  /**
   * @param stepName the step's name, unique in the pipeline
   * @param props the transform job's settings
   */
  constructor(stepName: string, props: TransformStepProps) {
    super(stepName, StepType.TRANSFORM, props);
    this.props = props;
    jobNameArgument(stepName, 'TransformJobName', props.jobNamePrefix);
  }

  /** Where the results are: `{"Get": "Steps.<name>.TransformOutput.S3OutputPath"}`. */
  public outputS3Uri(): PipelineValue {
    return this.property('TransformOutput.S3OutputPath');
  }

  /** @internal */
  public _renderArguments(): any {
    const p = this.props;
    const dataProcessing = p.inputFilter || p.outputFilter || p.joinSource
      ? { InputFilter: v(p.inputFilter), OutputFilter: v(p.outputFilter), JoinSource: p.joinSource }
      : undefined;
    const args = compact({
      ...jobNameArgument(this.stepName, 'TransformJobName', p.jobNamePrefix),
      ModelName: p.modelName.toJson(),
      TransformInput: {
        DataSource: { S3DataSource: { S3DataType: p.inputS3DataType ?? S3DataType.S3_PREFIX, S3Uri: p.inputS3Uri.toJson() } },
        ContentType: v(p.contentType),
        CompressionType: p.compressionType,
        SplitType: p.splitType,
      },
      TransformOutput: {
        S3OutputPath: p.outputPath.toJson(),
        Accept: v(p.accept),
        AssembleWith: p.assembleWith,
        KmsKeyId: v(p.outputKmsKeyId),
      },
      TransformResources: {
        InstanceCount: v(p.instanceCount) ?? 1,
        InstanceType: p.instanceType.toJson(),
        VolumeKmsKeyId: v(p.volumeKmsKeyId),
      },
      BatchStrategy: p.batchStrategy,
      MaxPayloadInMB: v(p.maxPayloadInMb),
      MaxConcurrentTransforms: v(p.maxConcurrentTransforms),
      Environment: vmap(p.environment),
      DataProcessing: dataProcessing,
    });
    return withAdditional(args, p.additionalArguments);
  }

  /** @internal */
  public _renderFields(): { [key: string]: any } {
    return renderJobFields(this.props);
  }
}
