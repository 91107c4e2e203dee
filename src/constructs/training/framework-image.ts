import { Token } from 'aws-cdk-lib';
import { partitionOfRegion } from '../core/iam-findings';

/**
 * The registry accounts of the SageMaker scikit-learn framework images (`sagemaker-scikit-learn`),
 * per region, as the SageMaker Python SDK lists them in `image_uri_config/sklearn.json` (the same
 * account for every version and for training, processing and inference).
 */
const SKLEARN_REGISTRIES: { [region: string]: string } = {
  'af-south-1': '510948584623',
  'ap-east-1': '651117190479',
  'ap-northeast-1': '354813040037',
  'ap-northeast-2': '366743142698',
  'ap-northeast-3': '867004704886',
  'ap-south-1': '720646828776',
  'ap-south-2': '628508329040',
  'ap-southeast-1': '121021644041',
  'ap-southeast-2': '783357654285',
  'ap-southeast-3': '951798379941',
  'ap-southeast-4': '106583098589',
  'ca-central-1': '341280168497',
  'ca-west-1': '190319476487',
  'cn-north-1': '450853457545',
  'cn-northwest-1': '451049120500',
  'eu-central-1': '492215442770',
  'eu-central-2': '680994064768',
  'eu-north-1': '662702820516',
  'eu-south-1': '978288397137',
  'eu-south-2': '104374241257',
  'eu-west-1': '141502667606',
  'eu-west-2': '764974769150',
  'eu-west-3': '659782779980',
  'il-central-1': '898809789911',
  'me-central-1': '272398656194',
  'me-south-1': '801668240914',
  'sa-east-1': '737474898029',
  'us-east-1': '683313688378',
  'us-east-2': '257758044811',
  'us-gov-east-1': '237065988967',
  'us-gov-west-1': '414596584902',
  'us-iso-east-1': '833128469047',
  'us-isob-east-1': '281123927165',
  'us-west-1': '746614075791',
  'us-west-2': '246618743249',
};

/** The scikit-learn framework versions the SDK's `sklearn.json` lists for training and inference. */
const SKLEARN_VERSIONS = ['0.20.0', '0.23-1', '1.0-1', '1.2-1'];

/** The ECR domain of a region's partition (the SDK's `_domain_for_region`). */
function ecrDomain(region: string): string {
  if (region.startsWith('cn-')) return 'amazonaws.com.cn';
  if (region.startsWith('us-isob-')) return 'sc2s.sgov.gov';
  if (region.startsWith('us-iso-')) return 'c2s.ic.gov';
  return 'amazonaws.com';
}

/**
 * A SageMaker framework image published by AWS in its regional registry account, e.g.
 * `492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3`.
 *
 * The registry accounts are those of the SageMaker Python SDK's `image_uri_config`; pass
 * `repositoryArn` to `ModelBuildPipelineProps.imageRepositoryArns` to let the pipeline's jobs pull it.
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
   * @param frameworkVersion one of `0.20.0`, `0.23-1`, `1.0-1`, `1.2-1`
   * @default frameworkVersion '1.2-1'
   */
  public static sklearn(region: string, frameworkVersion?: string): SageMakerFrameworkImage {
    const version = frameworkVersion ?? SageMakerFrameworkImage.SKLEARN_DEFAULT_VERSION;
    if (Token.isUnresolved(region)) {
      throw new Error('SageMakerFrameworkImage.sklearn: region is a token; pass the literal region (e.g. \'eu-central-1\'): the registry account depends on it');
    }
    const account = SKLEARN_REGISTRIES[region];
    if (!account) {
      throw new Error(
        `SageMakerFrameworkImage.sklearn: no scikit-learn framework image is known for region ${JSON.stringify(region)}; use one of ${Object.keys(SKLEARN_REGISTRIES).join(', ')}, or give the image URI of your own registry instead`,
      );
    }
    if (!SKLEARN_VERSIONS.includes(version)) {
      throw new Error(
        `SageMakerFrameworkImage.sklearn: frameworkVersion ${JSON.stringify(version)} is not a scikit-learn framework version; use one of ${SKLEARN_VERSIONS.join(', ')}, or give the image URI of your own registry instead`,
      );
    }
    return new SageMakerFrameworkImage(region, account, 'sagemaker-scikit-learn', `${version}-cpu-py3`);
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

  private constructor(region: string, accountId: string, repositoryName: string, tag: string) {
    this.region = region;
    this.accountId = accountId;
    this.repositoryName = repositoryName;
    this.tag = tag;
    this.imageUri = `${accountId}.dkr.ecr.${region}.${ecrDomain(region)}/${repositoryName}:${tag}`;
    const partition = partitionOfRegion(region, 'aws');
    this.repositoryArn = `arn:${partition}:ecr:${region}:${accountId}:repository/${repositoryName}`;
  }
}
