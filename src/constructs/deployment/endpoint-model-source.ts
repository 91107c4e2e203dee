import { Fn, Token } from 'aws-cdk-lib';

/** arn:<partition>:sagemaker:<region>:<account>:model-package/<name>[/<version>] */
const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:model-package\/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}(\/[0-9]+)?$/;
/** <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>(:<tag>|@sha256:<digest>) */
const ECR_IMAGE_URI = /^([0-9]{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.(amazonaws\.com|amazonaws\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov)\/([a-z0-9._\/-]+)(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$/;
/** s3://<bucket>/<key> */
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

/**
 * Where the model of a production variant comes from.
 */
export enum EndpointModelSourceKind {
  /** A versioned model package of the SageMaker model registry (`ModelPackageName`). */
  MODEL_PACKAGE = 'MODEL_PACKAGE',
  /** An inference image from Amazon ECR plus a model artifact in S3 (`Image` + `ModelDataUrl`). */
  IMAGE = 'IMAGE',
}

/**
 * Options that apply to every model source.
 */
export interface EndpointModelSourceOptions {
  /**
   * Environment variables of the inference container (they override the model package's).
   * @default - none
   */
  readonly environment?: { [name: string]: string };
}

/**
 * Options of a model package source.
 */
export interface ModelPackageSourceOptions extends EndpointModelSourceOptions {
  /**
   * The S3 URI of the package's model artifact (`ModelDataUrl` of its inference specification), when
   * the caller knows it (the deployment pipeline resolves it with the package version). It is only
   * used to let the execution role read exactly that object; a token (a `CfnParameter`) works.
   * @default - unknown: grant the artifact location with `RealtimeEndpointProps.modelArtifactsBucket`
   */
  readonly modelDataUrl?: string;
}

/**
 * The model a production variant serves: a model package from the model registry (the normal path,
 * pinned by the deployment pipeline), or an ECR image with a model artifact in S3.
 *
 * Both accept CloudFormation tokens (a `CfnParameter`, an SSM value, a context value resolved at
 * deploy time); literal values are checked at synth time.
 *
 * @example
 * const pinned = new CfnParameter(this, 'ModelPackageArn', { type: 'String' });
 * const source = EndpointModelSource.fromModelPackageArn(pinned.valueAsString);
 *
 * const custom = EndpointModelSource.fromImage(
 *   '111111111111.dkr.ecr.eu-central-1.amazonaws.com/churn-inference:1.4.2',
 *   's3://churn-artifacts/models/churn/1.4.2/model.tar.gz',
 * );
 */
export class EndpointModelSource {
  /**
   * A versioned model package (`arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>`).
   * The package may live in another account (the model registry account); its group's resource
   * policy must then allow this account to use it.
   * @param modelPackageArn the model package ARN, a literal or a token (a `CfnParameter`, say)
   * @param options environment of the container, the package's artifact URI
   */
  public static fromModelPackageArn(modelPackageArn: string, options: ModelPackageSourceOptions = {}): EndpointModelSource {
    if (!Token.isUnresolved(modelPackageArn)) {
      if (/:model-package-group\//.test(modelPackageArn)) {
        throw new Error(
          `EndpointModelSource.fromModelPackageArn: ${modelPackageArn} is a model package GROUP; pin one approved version instead, arn:...:model-package/<group>/<version>`,
        );
      }
      if (!MODEL_PACKAGE_ARN.test(modelPackageArn)) {
        throw new Error(
          `EndpointModelSource.fromModelPackageArn: ${JSON.stringify(modelPackageArn)} is not a model package ARN; write arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>`,
        );
      }
    }
    if (options.modelDataUrl !== undefined && !Token.isUnresolved(options.modelDataUrl) && !S3_URI.test(options.modelDataUrl)) {
      throw new Error(
        `EndpointModelSource.fromModelPackageArn: modelDataUrl ${JSON.stringify(options.modelDataUrl)} is not an S3 object URI; write s3://<bucket>/<key>`,
      );
    }
    return new EndpointModelSource(EndpointModelSourceKind.MODEL_PACKAGE, options, modelPackageArn, undefined, options.modelDataUrl);
  }

  /**
   * An inference image in Amazon ECR with a model artifact (`model.tar.gz`) in S3.
   * @param imageUri the ECR image URI, `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` or `@sha256:<digest>`
   * @param modelDataUrl the S3 URI of the model artifact, `s3://<bucket>/<key>`
   * @param options environment of the container
   */
  public static fromImage(imageUri: string, modelDataUrl: string, options: EndpointModelSourceOptions = {}): EndpointModelSource {
    if (!Token.isUnresolved(imageUri) && !ECR_IMAGE_URI.test(imageUri)) {
      throw new Error(
        `EndpointModelSource.fromImage: imageUri ${JSON.stringify(imageUri)} is not an Amazon ECR image URI; write <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> (or @sha256:<digest>)`,
      );
    }
    if (!Token.isUnresolved(modelDataUrl) && !S3_URI.test(modelDataUrl)) {
      throw new Error(
        `EndpointModelSource.fromImage: modelDataUrl ${JSON.stringify(modelDataUrl)} is not an S3 object URI; write s3://<bucket>/<key>, e.g. s3://artifacts/models/churn/1/model.tar.gz`,
      );
    }
    return new EndpointModelSource(EndpointModelSourceKind.IMAGE, options, undefined, imageUri, modelDataUrl);
  }

  /** Which kind of source this is. */
  public readonly kind: EndpointModelSourceKind;
  /** The model package ARN (model package sources only). */
  public readonly modelPackageArn?: string;
  /** The ECR image URI (image sources only). */
  public readonly imageUri?: string;
  /** The S3 URI of the model artifact (always for image sources; for model packages when given). */
  public readonly modelDataUrl?: string;
  /** Environment variables of the container. */
  public readonly environment?: { [name: string]: string };

  private constructor(
    kind: EndpointModelSourceKind,
    options: EndpointModelSourceOptions,
    modelPackageArn: string | undefined,
    imageUri: string | undefined,
    modelDataUrl: string | undefined,
  ) {
    this.kind = kind;
    this.modelPackageArn = modelPackageArn;
    this.imageUri = imageUri;
    this.modelDataUrl = modelDataUrl;
    this.environment = options.environment;
  }
}

/**
 * The ECR repository of a literal ECR image URI, as `{ account, region, repositoryName }`.
 * @internal
 */
export function parseEcrImageUri(imageUri: string): { account: string; region: string; repositoryName: string } | undefined {
  if (Token.isUnresolved(imageUri)) return undefined;
  const m = ECR_IMAGE_URI.exec(imageUri);
  return m ? { account: m[1], region: m[3], repositoryName: m[5] } : undefined;
}

/**
 * The ARN of the ECR repository of a parsed image URI (`parseEcrImageUri`).
 * @internal
 */
export function ecrRepositoryArn(partition: string, image: { account: string; region: string; repositoryName: string }): string {
  return `arn:${partition}:ecr:${image.region}:${image.account}:repository/${image.repositoryName}`;
}

/**
 * The object ARN of an `s3://bucket/key` URI; for a token, a CloudFormation expression that strips `s3://`.
 * @internal
 */
export function s3ObjectArn(partition: string, uri: string): string {
  if (Token.isUnresolved(uri)) {
    return Fn.join('', [`arn:${partition}:s3:::`, Fn.select(1, Fn.split('s3://', uri))]);
  }
  const m = S3_URI.exec(uri);
  if (!m) throw new Error(`internal: ${uri} is not an S3 URI`);
  return `arn:${partition}:s3:::${m[1]}/${m[2]}`;
}
