import { Token } from 'aws-cdk-lib';
import { frameworkImageTag } from './framework-image-python';
import { FRAMEWORK_IMAGE_REGISTRIES, FRAMEWORK_IMAGES, FRAMEWORK_IMAGES_SDK, FrameworkImageScopeData } from './framework-images.generated';
import { partitionOfRegion, urlSuffixOfRegion } from '../core/iam-findings';

/** An AWS framework whose SageMaker images `ModelImage.fromFramework` knows. */
export enum Framework {
  /** scikit-learn (`sagemaker-scikit-learn`). */
  SKLEARN = 'sklearn',
  /** XGBoost (`sagemaker-xgboost`). */
  XGBOOST = 'xgboost',
  /** PyTorch Deep Learning Containers (`pytorch-training`, `pytorch-inference`). */
  PYTORCH = 'pytorch',
  /** TensorFlow Deep Learning Containers (`tensorflow-training`, `tensorflow-inference`). */
  TENSORFLOW = 'tensorflow',
  /**
   * Hugging Face Deep Learning Containers on PyTorch (`huggingface-pytorch-training`,
   * `huggingface-pytorch-inference`); the version is the transformers version, the PyTorch version
   * the newest the SDK lists for it (the TensorFlow-based images are not in the catalogue).
   */
  HUGGINGFACE = 'huggingface',
}

/** What a framework image is for: the SDK's `image_scope`. */
export enum ImageScope {
  /** Training (and processing) jobs. */
  TRAINING = 'training',
  /** Inference: models, endpoints, batch transform. */
  INFERENCE = 'inference',
}

/** The processor a framework image is built for. */
export enum Processor {
  /** CPU instances. */
  CPU = 'cpu',
  /** GPU instances (CUDA). */
  GPU = 'gpu',
}

/** Which AWS framework image `ModelImage.fromFramework` returns. */
export interface FrameworkImageOptions {
  /** The framework. */
  readonly framework: Framework;
  /**
   * The framework version as the SageMaker Python SDK names it, e.g. `1.2-1` (scikit-learn),
   * `1.7-1` (XGBoost), `2.6.0` or its alias `2.6` (PyTorch), `4.49.0` (Hugging Face transformers).
   */
  readonly version: string;
  /** A literal AWS region, e.g. `eu-central-1`: the registry account depends on it. */
  readonly region: string;
  /**
   * What the image is for. scikit-learn and XGBoost use the same image for both.
   * @default ImageScope.TRAINING
   */
  readonly scope?: ImageScope;
  /**
   * The processor.
   * @default - CPU when the version has a CPU image, else GPU (Hugging Face training images are GPU only);
   * for XGBoost 1.2-1 and later one image serves both and the tag names no processor
   */
  readonly processor?: Processor;
  /**
   * The Python version, as the SDK's token (`py312`, `py3`) or as the minor (`3.12`).
   * @default - the only Python version of that framework version, else the newest
   */
  readonly pythonVersion?: string;
}

function list(values: readonly string[]): string {
  return values.length ? values.join(', ') : '(none)';
}

function minorKey(minor: string): number {
  const [major, m] = minor.split('.').map(Number);
  return major * 1000 + m;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const ECR_ARN = /^arn:(aws|aws-cn|aws-us-gov):ecr:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):repository\/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)$/;

/**
 * The container image of a SageMaker job, model or endpoint: an AWS framework image from its regional
 * registry account (tables generated from the SageMaker Python SDK's `image_uri_config`), or an image
 * of the central registry referenced by digest.
 *
 * @example
 * const sklearn = ModelImage.fromFramework({ framework: Framework.SKLEARN, version: '1.2-1', region: 'eu-central-1' });
 * sklearn.imageUri;      // 492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3
 * sklearn.pythonVersion; // 3.9
 * const own = ModelImage.fromRegistry('arn:aws:ecr:eu-central-1:111122223333:repository/usecase-a/ml', 'sha256:...');
 */
export class ModelImage {
  /** The SageMaker Python SDK whose `image_uri_config` the framework image tables come from. */
  public static readonly SDK = FRAMEWORK_IMAGES_SDK;

  /**
   * An AWS framework image: the URI that the SageMaker Python SDK's `image_uris.retrieve` returns for
   * the same framework, version, region, scope, processor and Python version.
   *
   * An unknown version, processor, region or Python version fails with the valid choices.
   * @param options the framework, its version, the region, and optionally the scope, processor and Python
   */
  public static fromFramework(options: FrameworkImageOptions): ModelImage {
    const where = 'ModelImage.fromFramework';
    const framework = options.framework as string;
    const scope: string = options.scope ?? ImageScope.TRAINING;
    const region = options.region;
    const byScope = FRAMEWORK_IMAGES[framework];
    if (!byScope) {
      throw new Error(`${where}: framework ${JSON.stringify(framework)} is not known; use one of ${list(Object.keys(FRAMEWORK_IMAGES))}`);
    }
    const data: FrameworkImageScopeData | undefined = byScope[scope];
    if (!data) {
      throw new Error(`${where}: scope ${JSON.stringify(scope)} is not known for ${framework}; use one of ${list(Object.keys(byScope))}`);
    }
    const resolved = data.aliases[options.version] ?? options.version;
    const entry = data.versions[resolved];
    if (!entry) {
      throw new Error(`${where}: version ${JSON.stringify(options.version)} is not a ${framework} ${scope} image version of ${FRAMEWORK_IMAGES_SDK}; use one of ${list([...Object.keys(data.versions), ...Object.keys(data.aliases)])}`);
    }
    const label = `${framework} ${scope} ${resolved}`;

    const processors = Object.keys(entry.p);
    let processor: string | undefined;
    if (processors.length) {
      processor = options.processor ?? (processors.includes(Processor.CPU) ? Processor.CPU : processors[0]);
      if (!processors.includes(processor)) {
        throw new Error(`${where}: processor ${JSON.stringify(processor)} has no ${label} image; use one of ${list(processors)}`);
      }
    }

    const tokens = Object.keys(entry.y);
    let pyToken: string;
    if (options.pythonVersion === undefined) {
      pyToken = tokens.reduce((a, b) => (entry.y[b] && (!entry.y[a] || minorKey(entry.y[b]) > minorKey(entry.y[a])) ? b : a));
    } else {
      const wanted = options.pythonVersion;
      const match = tokens.find((t) => (t && t === wanted) || (entry.y[t] && entry.y[t] === wanted));
      if (match === undefined) {
        const choices = tokens.flatMap((t) => [t, entry.y[t]]).filter((x) => x);
        throw new Error(`${where}: pythonVersion ${JSON.stringify(wanted)} has no ${label} image; use one of ${list(choices)}${choices.length ? '' : ' (the SDK states no Python version: omit pythonVersion)'}`);
      }
      pyToken = match;
    }

    if (Token.isUnresolved(region)) {
      throw new Error(`${where}: region is a token; pass the literal region (e.g. 'eu-central-1'): the registry account depends on it`);
    }
    const registries = FRAMEWORK_IMAGE_REGISTRIES[entry.a];
    const account = registries[region];
    if (!account) {
      throw new Error(`${where}: region ${JSON.stringify(region)} has no ${label} image; use one of ${list(Object.keys(registries))}`);
    }
    const tag = frameworkImageTag(framework, options.version, resolved, entry, processor, pyToken);
    return new ModelImage({
      region,
      account,
      repositoryName: entry.r,
      reference: `:${tag}`,
      tag,
      pythonVersion: entry.y[pyToken] || undefined,
      framework: options.framework,
      frameworkVersion: resolved,
      processor: processor as Processor | undefined,
      scope: scope as ImageScope,
    });
  }

  /**
   * An image of the central registry (or any ECR repository) by digest, e.g. the use case's image
   * that the image build pushed: `<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:...`.
   *
   * @param repositoryArn the literal ARN of the ECR repository, `arn:aws:ecr:<region>:<account>:repository/<name>`
   * @param digest `sha256:` and 64 lowercase hex digits; a token (a CfnParameter, an SSM parameter value) is taken as it is
   */
  public static fromRegistry(repositoryArn: string, digest: string): ModelImage {
    const where = 'ModelImage.fromRegistry';
    if (Token.isUnresolved(repositoryArn)) {
      throw new Error(`${where}: repositoryArn is a token; pass the literal ARN (arn:aws:ecr:<region>:<account>:repository/<name>): the image URI is built from its parts`);
    }
    const arn = ECR_ARN.exec(repositoryArn);
    if (!arn) {
      throw new Error(`${where}: repositoryArn ${JSON.stringify(repositoryArn)} is not an ECR repository ARN; write arn:aws:ecr:<region>:<account>:repository/<name>, e.g. arn:aws:ecr:eu-central-1:111122223333:repository/usecase-a/ml`);
    }
    if (!Token.isUnresolved(digest) && !DIGEST.test(digest)) {
      throw new Error(`${where}: digest ${JSON.stringify(digest)} is not an image digest; write sha256: and 64 lowercase hex digits (the digest the image build pushed), not a tag`);
    }
    const [, partition, region, account, repositoryName] = arn;
    return new ModelImage({ region, account, repositoryName, reference: `@${digest}`, digest, partition });
  }

  /** The image URI, e.g. `492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3`. */
  public readonly imageUri: string;
  /** The ARN of the image's ECR repository (for `ModelBuildPipelineProps.imageRepositoryArns`). */
  public readonly repositoryArn: string;
  /** The account of the registry. */
  public readonly account: string;
  /** The region of the registry. */
  public readonly region: string;
  /** The repository name, e.g. `sagemaker-scikit-learn`. */
  public readonly repositoryName: string;
  /** The tag of a framework image, e.g. `1.2-1-cpu-py3`; undefined for an image by digest. */
  public readonly tag?: string;
  /** The digest of an image by digest; undefined for a framework image. */
  public readonly digest?: string;
  /**
   * The Python minor version of a framework image, e.g. `3.9`; undefined for an image by digest and
   * where neither the SDK nor the generator's sourced table states it.
   */
  public readonly pythonVersion?: string;
  /** The framework of a framework image. */
  public readonly framework?: Framework;
  /** The framework version of a framework image, aliases resolved (`2.6` -> `2.6.0`). */
  public readonly frameworkVersion?: string;
  /** The processor of a framework image; undefined where one image serves CPU and GPU (XGBoost 1.2-1 and later). */
  public readonly processor?: Processor;
  /** The scope of a framework image. */
  public readonly scope?: ImageScope;

  private constructor(props: {
    region: string;
    account: string;
    repositoryName: string;
    reference: string;
    partition?: string;
    tag?: string;
    digest?: string;
    pythonVersion?: string;
    framework?: Framework;
    frameworkVersion?: string;
    processor?: Processor;
    scope?: ImageScope;
  }) {
    this.region = props.region;
    this.account = props.account;
    this.repositoryName = props.repositoryName;
    this.tag = props.tag;
    this.digest = props.digest;
    this.pythonVersion = props.pythonVersion;
    this.framework = props.framework;
    this.frameworkVersion = props.frameworkVersion;
    this.processor = props.processor;
    this.scope = props.scope;
    this.imageUri = `${props.account}.dkr.ecr.${props.region}.${urlSuffixOfRegion(props.region)}/${props.repositoryName}${props.reference}`;
    const partition = props.partition ?? partitionOfRegion(props.region, 'aws');
    this.repositoryArn = `arn:${partition}:ecr:${props.region}:${props.account}:repository/${props.repositoryName}`;
  }
}
