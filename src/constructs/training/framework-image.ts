import { Token } from 'aws-cdk-lib';
import { FRAMEWORK_IMAGE_REGISTRIES, FRAMEWORK_IMAGES } from './framework-images.generated';
import { Framework, ModelImage } from './model-image';

/** The scikit-learn versions with the same image for processing, training and inference (both SDK scopes). */
function sklearnVersions(): string[] {
  const { training, inference } = FRAMEWORK_IMAGES[Framework.SKLEARN];
  return Object.keys(training.versions).filter((v) => inference.versions[v]);
}

/** The regions of the scikit-learn images. */
function sklearnRegions(): string[] {
  return Object.keys(FRAMEWORK_IMAGE_REGISTRIES[FRAMEWORK_IMAGES[Framework.SKLEARN].training.versions['1.2-1'].a]);
}

/**
 * A SageMaker framework image published by AWS in its regional registry account, e.g.
 * `492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3`.
 *
 * The registry accounts are those of the SageMaker Python SDK's `image_uri_config` (the catalogue of
 * `ModelImage.fromFramework`); pass `repositoryArn` to `ModelBuildPipelineProps.imageRepositoryArns` to
 * let the pipeline's jobs pull it.
 *
 * @example
 * const sklearn = SageMakerFrameworkImage.sklearn('eu-central-1');
 * sklearn.imageUri;      // 492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3
 * sklearn.repositoryArn; // arn:aws:ecr:eu-central-1:492215442770:repository/sagemaker-scikit-learn
 */
export class SageMakerFrameworkImage {
  /** The default scikit-learn framework version. */
  public static readonly SKLEARN_DEFAULT_VERSION = '1.2-1';

  /**
   * The scikit-learn framework image (CPU, Python 3) of a region: the same image serves processing,
   * training (script mode) and inference.
   *
   * @param region a literal AWS region, e.g. `eu-central-1`
   * @param frameworkVersion a version with one image for training and inference: `0.20.0`, `0.23-1`, `1.0-1`, `1.2-1`, `1.4-2-py312`, `1.9-0`
   * @default frameworkVersion '1.2-1'
   * @deprecated use `ModelImage.fromFramework({ framework: Framework.SKLEARN, version, region })`
   */
  public static sklearn(region: string, frameworkVersion?: string): SageMakerFrameworkImage {
    const version = frameworkVersion ?? SageMakerFrameworkImage.SKLEARN_DEFAULT_VERSION;
    if (Token.isUnresolved(region)) {
      throw new Error('SageMakerFrameworkImage.sklearn: region is a token; pass the literal region (e.g. \'eu-central-1\'): the registry account depends on it');
    }
    const regions = sklearnRegions();
    if (!regions.includes(region)) {
      throw new Error(
        `SageMakerFrameworkImage.sklearn: no scikit-learn framework image is known for region ${JSON.stringify(region)}; use one of ${regions.join(', ')}, or give the image URI of your own registry instead`,
      );
    }
    const versions = sklearnVersions();
    if (!versions.includes(version)) {
      throw new Error(
        `SageMakerFrameworkImage.sklearn: frameworkVersion ${JSON.stringify(version)} is not a scikit-learn framework version; use one of ${versions.join(', ')}, or give the image URI of your own registry instead`,
      );
    }
    const image = ModelImage.fromFramework({ framework: Framework.SKLEARN, version, region });
    return new SageMakerFrameworkImage(image);
  }

  /** The registry account that publishes the image in this region. */
  public readonly accountId: string;
  /** The region. */
  public readonly region: string;
  /** The repository name, e.g. `sagemaker-scikit-learn`. */
  public readonly repositoryName: string;
  /** The image tag, e.g. `1.2-1-cpu-py3`. */
  public readonly tag: string;
  /** The image URI. */
  public readonly imageUri: string;
  /** The ARN of the image's ECR repository. */
  public readonly repositoryArn: string;

  private constructor(image: ModelImage) {
    this.region = image.region;
    this.accountId = image.account;
    this.repositoryName = image.repositoryName;
    this.tag = image.tag!;
    this.imageUri = image.imageUri;
    this.repositoryArn = image.repositoryArn;
  }
}
