import { Token } from 'aws-cdk-lib';
import { SageMakerFrameworkImage } from './framework-image';
import {
  ConditionStep, ExecutionVariable, FailStep, ParameterFloat, ParameterString, PipelineCondition, PipelineDefinition,
  PipelineValue, ProcessingStep, RegisterModelStep, TrainingStep,
} from './pipeline-definition';

/** The metrics `train.py` logs per split, as `<split>:<metric>=<value>;`. */
const TRAINING_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'auc'];

/** Where the SDK's script mode puts the source archive when the job runs with network isolation. */
const ISOLATED_SOURCE_ARCHIVE = '/opt/ml/input/data/code/sourcedir.tar.gz';

/**
 * Props of `PredictiveMaintenancePipeline.definition`. Every job of the pipeline gets the VPC, the
 * key (volumes and outputs), network isolation and inter-container encryption from these props.
 * Inside a `ModelBuildPipeline`, pass the `PipelinePlaceholder`s for the role, bucket, key, subnets
 * and security groups.
 */
export interface PredictiveMaintenancePipelineProps {
  /** The pipeline's name (the `ModelBuildPipeline`'s `pipelineName`). */
  readonly pipelineName: string;

  /**
   * The region of the pipeline, a literal: it picks the AWS scikit-learn image and is passed to the
   * containers (`sagemaker_region`, `SAGEMAKER_REGION`).
   */
  readonly region: string;

  /** The execution role of the jobs, e.g. `PipelinePlaceholder.ROLE_ARN`. */
  readonly roleArn: string;

  /** The bucket of code, data and artifacts, e.g. `PipelinePlaceholder.ARTIFACT_BUCKET_NAME`. */
  readonly bucketName: string;

  /** The KMS key of the volumes and outputs, e.g. `PipelinePlaceholder.KMS_KEY_ARN`. */
  readonly kmsKeyArn: string;

  /** The subnets of the jobs, e.g. `[PipelinePlaceholder.SUBNET_IDS]`. */
  readonly subnetIds: string[];

  /** The security groups of the jobs, e.g. `[PipelinePlaceholder.SECURITY_GROUP_IDS]`. */
  readonly securityGroupIds: string[];

  /** The model package group that receives the model versions. */
  readonly modelPackageGroupName: string;

  /**
   * The key prefix of the ML code in the bucket: `<prefix>/preprocess.py`, `<prefix>/evaluate.py`
   * and `<prefix>/sourcedir.tar.gz` (an archive of `train.py`, `inference.py` and `preprocess.py`,
   * as `ModelBuildPipeline`'s code upload writes it).
   * @default 'code'
   */
  readonly codePrefix?: string;

  /**
   * The default of the `InputDataUri` parameter: the S3 prefix of the raw CSV files.
   * @default - `s3://<bucketName>/data/raw`
   */
  readonly inputDataUri?: string;

  /**
   * The key prefix of the outputs: each execution writes below `<prefix>/<execution id>/`
   * (`train`, `validation`, `test`, `model`, `evaluation`).
   * @default 'runs'
   */
  readonly outputPrefix?: string;

  /**
   * The one image of every job and of the model, where no image of its own is given: the use case's
   * image built from its `ml/Dockerfile` (Python and exactly `ml/requirements.txt`, the code in
   * `/opt/ml/code`, `train` and `serve` entrypoints), e.g. `PipelinePlaceholder.IMAGE_URI` inside a
   * `ModelBuildPipeline`, which fills in the image by digest.
   * @default - the AWS scikit-learn framework image of the region (`sklearnFrameworkVersion`); check
   * that its Python and library versions run the scripts
   */
  readonly imageUri?: string;

  /**
   * The image of the processing jobs (preprocess, evaluate): Python and the versions of the ML
   * code's `requirements.txt` (nothing is installed at run time: the jobs are network-isolated).
   * @default - `imageUri`
   */
  readonly processingImageUri?: string;

  /**
   * The image of the training job. SageMaker runs it as `<image> train` with the hyperparameters in
   * `/opt/ml/input/config/hyperparameters.json`: `sagemaker_program` names the script (`train.py`).
   * AWS's framework images unpack `sourcedir.tar.gz` with the training toolkit; the use case's image
   * runs the script from its own `/opt/ml/code`.
   * @default - `imageUri`
   */
  readonly trainingImageUri?: string;

  /**
   * The inference image registered with the model. It serves `inference.py` from the model
   * artifact's `code/` with the SageMaker scikit-learn serving stack (as in AWS's framework images).
   * @default - `imageUri`
   */
  readonly inferenceImageUri?: string;

  /**
   * The version of the AWS scikit-learn framework images used where no image URI is given.
   * @default '1.2-1'
   */
  readonly sklearnFrameworkVersion?: string;

  /**
   * The default of the `ProcessingInstanceType` parameter.
   * @default 'ml.m5.large'
   */
  readonly processingInstanceType?: string;

  /**
   * The default of the `TrainingInstanceType` parameter.
   * @default 'ml.m5.large'
   */
  readonly trainingInstanceType?: string;

  /**
   * The instance types the model version supports for real-time and batch inference.
   * @default ['ml.m5.large']
   */
  readonly inferenceInstanceTypes?: string[];

  /**
   * The default of the `F1Threshold` parameter: the quality gate on `binary_classification_metrics.f1.value`.
   * @default 0.7
   */
  readonly f1Threshold?: number;

  /**
   * Hyperparameters of `train.py` (`max_iter`, `learning_rate`, `max_depth`, `max_leaf_nodes`,
   * `min_samples_leaf`, `l2_regularization`, `class_weight`, `seed`). Encoded as the SDK encodes them:
   * numbers as they are, other strings JSON-quoted.
   * @default - none: the script's defaults
   */
  readonly hyperparameters?: { [name: string]: string };

  /**
   * The prefix of the jobs' names: the steps' `jobNamePrefix` are `<prefix>prep`, `<prefix>train`
   * and `<prefix>eval` (so that SageMaker names the jobs and their log streams `<prefix><step>-<suffix>`).
   * Pass the `ModelBuildPipeline`'s `jobNamePrefix`, e.g. `vwml-weld-gun-pm--`; at most 35 characters.
   * @default - none: SageMaker Pipelines names the jobs `pipelines-<execution id>-<step>-<suffix>`
   */
  readonly jobNamePrefix?: string;
}

/**
 * The sample model-build pipeline of the predictive-maintenance use case (welding guns) that the
 * `mlops-usecase` project type generates, for the scripts in its `ml/src` folder:
 *
 * 1. `Preprocess` (processing, `preprocess.py`): raw CSVs from the `InputDataUri` parameter at
 *    `/opt/ml/processing/input/data`; writes `/opt/ml/processing/{train,validation,test}`.
 * 2. `Train` (training, scikit-learn framework image in script mode): `train.py` from
 *    `<codePrefix>/sourcedir.tar.gz`, delivered as the `code` channel because the job is
 *    network-isolated (hyperparameters `sagemaker_program` and `sagemaker_submit_directory` as the
 *    SageMaker Python SDK writes them); channels `train` and `validation`.
 * 3. `Evaluate` (processing, `evaluate.py`): the model at `/opt/ml/processing/model`, the test set at
 *    `/opt/ml/processing/test`; writes `/opt/ml/processing/evaluation/evaluation.json`, declared as
 *    the property file `EvaluationReport`.
 * 4. `CheckF1` (condition): `binary_classification_metrics.f1.value` >= the `F1Threshold` parameter
 *    (default 0.7); then `RegisterModel` (`PendingManualApproval`, the evaluation report as model
 *    quality statistics, the inference image serving `inference.py` from the model artifact's
 *    `code/`), else `F1BelowThreshold` (fail).
 *
 * Every job runs in the VPC with the key on its volume and output, network isolation and
 * inter-container encryption.
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
export class PredictiveMaintenancePipeline {
  /**
   * The pipeline definition.
   * @param props the role, bucket, key, network, images and model package group
   */
  public static definition(props: PredictiveMaintenancePipelineProps): PipelineDefinition {
    validate(props);
    const s = (value: string) => PipelineValue.fromString(value);
    const bucket = props.bucketName;
    const codePrefix = trimSlashes(props.codePrefix ?? 'code');
    const outputPrefix = trimSlashes(props.outputPrefix ?? 'runs');
    const needsFrameworkImage = !props.processingImageUri || !props.trainingImageUri || !props.inferenceImageUri;
    const frameworkImage = needsFrameworkImage
      ? props.imageUri ?? SageMakerFrameworkImage.sklearn(props.region, props.sklearnFrameworkVersion).imageUri
      : '';
    const processingImage = props.processingImageUri ?? frameworkImage;
    const trainingImage = props.trainingImageUri ?? frameworkImage;
    const inferenceImage = props.inferenceImageUri ?? frameworkImage;
    const instanceTypes = props.inferenceInstanceTypes ?? ['ml.m5.large'];

    const inputData = new ParameterString('InputDataUri', { defaultValue: props.inputDataUri ?? `s3://${bucket}/data/raw` });
    const processingType = new ParameterString('ProcessingInstanceType', { defaultValue: props.processingInstanceType ?? 'ml.m5.large' });
    const trainingType = new ParameterString('TrainingInstanceType', { defaultValue: props.trainingInstanceType ?? 'ml.m5.large' });
    const threshold = new ParameterFloat('F1Threshold', { defaultValue: props.f1Threshold ?? 0.7 });

    const role = s(props.roleArn);
    const key = s(props.kmsKeyArn);
    const vpcConfig = { subnets: [...props.subnetIds], securityGroupIds: [...props.securityGroupIds] };
    const secure = { volumeKmsKeyId: key, outputKmsKeyId: key, vpcConfig, enableNetworkIsolation: true, enableInterContainerTrafficEncryption: true };
    const runOutput = (name: string) => PipelineValue.join('/', [s(`s3://${bucket}/${outputPrefix}`), ExecutionVariable.PIPELINE_EXECUTION_ID, s(name)]);
    const code = (file: string) => `s3://${bucket}/${codePrefix}/${file}`;

    const jobName = (step: string) => (props.jobNamePrefix !== undefined ? { jobNamePrefix: `${props.jobNamePrefix}${step}` } : {});

    const preprocess = new ProcessingStep('Preprocess', {
      ...jobName('prep'),
      description: 'Cleans the raw welds, derives the features and splits train, validation and test by gun',
      roleArn: role,
      imageUri: s(processingImage),
      instanceType: processingType.value,
      maxRuntimeInSeconds: PipelineValue.fromNumber(3600),
      ...secure,
      code: { s3Uri: code('preprocess.py') },
      inputs: [{ inputName: 'data', s3Uri: inputData.value, localPath: '/opt/ml/processing/input/data' }],
      outputs: ['train', 'validation', 'test'].map((name) => ({ outputName: name, s3Uri: runOutput(name), localPath: `/opt/ml/processing/${name}` })),
    });

    const train = new TrainingStep('Train', {
      ...jobName('train'),
      description: 'Fits the gradient-boosted classifier of needs_maintenance (train.py, script mode)',
      roleArn: role,
      trainingImage: s(trainingImage),
      instanceType: trainingType.value,
      ...secure,
      outputPath: runOutput('model'),
      metricDefinitions: ['train', 'validation'].flatMap((split) => TRAINING_METRICS.map((m) => ({ name: `${split}:${m}`, regex: `${split}:${m}=([0-9\\.]+);` }))),
      hyperparameters: {
        ...encodeHyperparameters(props.hyperparameters ?? {}),
        sagemaker_program: s(JSON.stringify('train.py')),
        sagemaker_submit_directory: s(JSON.stringify(ISOLATED_SOURCE_ARCHIVE)),
        sagemaker_container_log_level: s('20'),
        sagemaker_region: s(JSON.stringify(props.region)),
      },
      inputs: [
        { channelName: 'train', s3Uri: preprocess.outputS3Uri('train'), contentType: s('text/csv') },
        { channelName: 'validation', s3Uri: preprocess.outputS3Uri('validation'), contentType: s('text/csv') },
        { channelName: 'code', s3Uri: s(code('sourcedir.tar.gz')) },
      ],
    });

    const evaluate = new ProcessingStep('Evaluate', {
      ...jobName('eval'),
      description: 'Scores the model on the test set and writes evaluation.json (the quality gate)',
      roleArn: role,
      imageUri: s(processingImage),
      instanceType: processingType.value,
      maxRuntimeInSeconds: PipelineValue.fromNumber(3600),
      ...secure,
      code: { s3Uri: code('evaluate.py') },
      inputs: [
        { inputName: 'model', s3Uri: train.modelArtifactsS3Uri(), localPath: '/opt/ml/processing/model' },
        { inputName: 'test', s3Uri: preprocess.outputS3Uri('test'), localPath: '/opt/ml/processing/test' },
      ],
      outputs: [{ outputName: 'evaluation', s3Uri: runOutput('evaluation'), localPath: '/opt/ml/processing/evaluation' }],
      propertyFiles: [{ name: 'EvaluationReport', outputName: 'evaluation', filePath: 'evaluation.json' }],
    });

    const register = new RegisterModelStep('RegisterModel', {
      description: 'Registers the model version for a person to approve',
      modelPackageGroupName: s(props.modelPackageGroupName),
      containers: [{
        image: s(inferenceImage),
        modelDataUrl: train.modelArtifactsS3Uri(),
        environment: {
          SAGEMAKER_PROGRAM: s('inference.py'),
          SAGEMAKER_SUBMIT_DIRECTORY: s('/opt/ml/model/code'),
          SAGEMAKER_CONTAINER_LOG_LEVEL: s('20'),
          SAGEMAKER_REGION: s(props.region),
        },
      }],
      supportedContentTypes: ['text/csv', 'application/json'],
      supportedResponseMimeTypes: ['application/json'],
      supportedRealtimeInferenceInstanceTypes: [...instanceTypes],
      supportedTransformInstanceTypes: [...instanceTypes],
      modelApprovalStatus: s('PendingManualApproval'),
      modelMetrics: {
        modelStatistics: {
          contentType: s('application/json'),
          s3Uri: PipelineValue.join('/', [evaluate.outputS3Uri('evaluation'), s('evaluation.json')]),
        },
      },
      customerMetadataProperties: { 'pipeline-execution-arn': ExecutionVariable.PIPELINE_EXECUTION_ARN },
    });

    const fail = new FailStep('F1BelowThreshold', {
      errorMessage: PipelineValue.join(' ', [s('The F1 score of the model on the test set is below F1Threshold'), threshold.value]),
    });

    const check = new ConditionStep('CheckF1', {
      description: 'Registers the model when its F1 score reaches F1Threshold',
      conditions: [PipelineCondition.greaterThanOrEqualTo(evaluate.jsonGet('EvaluationReport', 'binary_classification_metrics.f1.value'), threshold.value)],
      ifSteps: [register],
      elseSteps: [fail],
    });

    return new PipelineDefinition({
      pipelineName: props.pipelineName,
      parameters: [inputData, processingType, trainingType, threshold],
      steps: [preprocess, train, evaluate, check],
    });
  }

  private constructor() {}
}

/** The SDK's encoding of hyperparameters (`json.dumps`): numbers as they are, strings quoted. */
function encodeHyperparameters(hyperparameters: { [name: string]: string }): { [name: string]: PipelineValue } {
  const out: { [name: string]: PipelineValue } = {};
  for (const [name, value] of Object.entries(hyperparameters)) {
    if (name.startsWith('sagemaker_')) {
      throw new Error(`PredictiveMaintenancePipeline: hyperparameters.${name} is reserved for SageMaker's script mode; remove it`);
    }
    const numeric = value.trim() !== '' && Number.isFinite(Number(value));
    out[name] = PipelineValue.fromString(numeric ? value.trim() : JSON.stringify(value));
  }
  return out;
}

function trimSlashes(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}

function validate(props: PredictiveMaintenancePipelineProps): void {
  const where = 'PredictiveMaintenancePipeline';
  if (props.jobNamePrefix !== undefined && (props.jobNamePrefix.length > 35 || !/^[a-zA-Z0-9](-*[a-zA-Z0-9])*-*$/.test(props.jobNamePrefix))) {
    throw new Error(`${where}: jobNamePrefix ${JSON.stringify(props.jobNamePrefix)} must be 1 to 35 letters, digits and hyphens, starting with a letter or digit (the step name and SageMaker's suffix follow it), e.g. "vwml-weld-gun-pm--"`);
  }
  for (const [prop, value] of [['codePrefix', props.codePrefix], ['outputPrefix', props.outputPrefix]] as const) {
    if (value !== undefined && (Token.isUnresolved(value) || trimSlashes(value).length === 0 || /[*?\s]/.test(value))) {
      throw new Error(`${where}: ${prop} ${JSON.stringify(value)} is not a literal S3 key prefix; write one without wildcards or spaces, e.g. 'code'`);
    }
  }
  if (!Token.isUnresolved(props.bucketName) && !props.bucketName.startsWith('{{') && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName)) {
    throw new Error(`${where}: bucketName ${JSON.stringify(props.bucketName)} is not an S3 bucket name; pass PipelinePlaceholder.ARTIFACT_BUCKET_NAME inside a ModelBuildPipeline`);
  }
  if (props.inputDataUri !== undefined && !Token.isUnresolved(props.inputDataUri) && !/^s3:\/\/[^/]+(\/.*)?$/.test(props.inputDataUri)) {
    throw new Error(`${where}: inputDataUri ${JSON.stringify(props.inputDataUri)} is not an S3 URI; write s3://<bucket>/<prefix>`);
  }
  if (props.subnetIds.length === 0 || props.securityGroupIds.length === 0) {
    throw new Error(`${where}: subnetIds and securityGroupIds must not be empty: every job runs in the VPC; pass [PipelinePlaceholder.SUBNET_IDS] and [PipelinePlaceholder.SECURITY_GROUP_IDS] inside a ModelBuildPipeline`);
  }
  for (const [prop, value] of [['processingInstanceType', props.processingInstanceType], ['trainingInstanceType', props.trainingInstanceType]] as const) {
    if (value !== undefined && !/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(value)) {
      throw new Error(`${where}: ${prop} ${JSON.stringify(value)} is not a SageMaker instance type; write e.g. 'ml.m5.large'`);
    }
  }
  const inference = props.inferenceInstanceTypes;
  if (inference !== undefined && (inference.length === 0 || inference.some((t) => !/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(t)))) {
    throw new Error(`${where}: inferenceInstanceTypes ${JSON.stringify(inference)} must list SageMaker instance types, e.g. ['ml.m5.large']`);
  }
  const threshold = props.f1Threshold;
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    throw new Error(`${where}: f1Threshold is ${threshold}; an F1 score is between 0 and 1, e.g. 0.7`);
  }
}
