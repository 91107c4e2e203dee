import { Token } from 'aws-cdk-lib';

/** `ml.<family>.<size>`, e.g. `ml.m5.large`, `ml.g5.12xlarge`, `ml.p4de.24xlarge`. */
const INSTANCE_TYPE = /^ml\.([a-z][a-z0-9-]*)\.(nano|micro|small|medium|large|xlarge|[1-9][0-9]?xlarge|metal)$/;

/**
 * Families whose name does not say "d" but whose instances carry local NVMe instance storage
 * (EC2 "instance store volumes"); the rest is recognised by a `d` in the family suffix (m5d, c6id, g4dn, p4d).
 */
const LOCAL_STORAGE_FAMILIES = new Set(['g5', 'g6', 'g6e', 'gr6', 'p5', 'p5e', 'p5en', 'trn1', 'trn1n', 'trn2']);

/**
 * The ML compute instance type of a production variant.
 *
 * SageMaker refuses a KMS key for the storage volume (`KmsKeyId` of the endpoint configuration) when
 * a variant runs on an instance type with local NVMe instance storage, which a hardware module on the
 * instance encrypts instead. `hasLocalStorage` says which case applies; `RealtimeEndpoint` sets the
 * key only when no variant has local storage.
 *
 * @example
 * const small = EndpointInstanceType.ML_M5_LARGE;
 * const gpu = EndpointInstanceType.of('ml.g5.2xlarge'); // hasLocalStorage: true
 */
export class EndpointInstanceType {
  /** ml.t2.medium (burstable; development only). */
  public static readonly ML_T2_MEDIUM = EndpointInstanceType.of('ml.t2.medium');
  /** ml.m5.large */
  public static readonly ML_M5_LARGE = EndpointInstanceType.of('ml.m5.large');
  /** ml.m5.xlarge */
  public static readonly ML_M5_XLARGE = EndpointInstanceType.of('ml.m5.xlarge');
  /** ml.m5.2xlarge */
  public static readonly ML_M5_2XLARGE = EndpointInstanceType.of('ml.m5.2xlarge');
  /** ml.c5.large */
  public static readonly ML_C5_LARGE = EndpointInstanceType.of('ml.c5.large');
  /** ml.c5.xlarge */
  public static readonly ML_C5_XLARGE = EndpointInstanceType.of('ml.c5.xlarge');
  /** ml.c5.2xlarge */
  public static readonly ML_C5_2XLARGE = EndpointInstanceType.of('ml.c5.2xlarge');
  /** ml.r5.large */
  public static readonly ML_R5_LARGE = EndpointInstanceType.of('ml.r5.large');
  /** ml.g4dn.xlarge (GPU, local NVMe storage). */
  public static readonly ML_G4DN_XLARGE = EndpointInstanceType.of('ml.g4dn.xlarge');
  /** ml.g5.xlarge (GPU, local NVMe storage). */
  public static readonly ML_G5_XLARGE = EndpointInstanceType.of('ml.g5.xlarge');

  /**
   * An instance type by name.
   * @param instanceType the SageMaker instance type, `ml.<family>.<size>`, e.g. `ml.m5.xlarge`
   * @param hasLocalStorage whether the type has local NVMe instance storage (then no KMS key may be set
   *   for the storage volume); pass it only to correct the built-in detection for a new family
   */
  public static of(instanceType: string, hasLocalStorage?: boolean): EndpointInstanceType {
    if (Token.isUnresolved(instanceType)) {
      return new EndpointInstanceType(instanceType, hasLocalStorage ?? false);
    }
    const match = INSTANCE_TYPE.exec(instanceType);
    if (!match) {
      throw new Error(
        `instanceType: ${JSON.stringify(instanceType)} is not a SageMaker instance type; write ml.<family>.<size>, e.g. 'ml.m5.large' or 'ml.g5.2xlarge' (the 'ml.' prefix is required)`,
      );
    }
    return new EndpointInstanceType(instanceType, hasLocalStorage ?? detectLocalStorage(match[1]));
  }

  /** The instance type name, e.g. `ml.m5.large`. */
  public readonly instanceType: string;

  /** Whether the instance type has local NVMe instance storage (hardware-encrypted; no KMS key allowed). */
  public readonly hasLocalStorage: boolean;

  private constructor(instanceType: string, hasLocalStorage: boolean) {
    this.instanceType = instanceType;
    this.hasLocalStorage = hasLocalStorage;
  }

  /** The instance type name. */
  public toString(): string {
    return this.instanceType;
  }
}

function detectLocalStorage(family: string): boolean {
  if (LOCAL_STORAGE_FAMILIES.has(family)) return true;
  // family = letters, generation digits, attribute letters: the attribute "d" means instance storage
  const suffix = /^[a-z]+[0-9]+([a-z-]*)$/.exec(family)?.[1] ?? '';
  return suffix.split('-')[0].includes('d');
}
