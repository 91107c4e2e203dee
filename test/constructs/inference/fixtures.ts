import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { standInIsolatedVpc } from '../../helpers/network';
import { ensureRuntimeBundle, HANDLER_BUNDLE } from '../../helpers/runtime-bundle';

/** Builds the runtime bundles when the handler bundle is missing or stale (the construct refuses to synth without it). */
export function ensureHandlerBundle(): void {
  ensureRuntimeBundle(HANDLER_BUNDLE);
}

/** What the network and security concerns provide in the platform, made plainly for the tests. */
export interface InferenceFixtures {
  readonly vpc: ec2.Vpc;
  readonly key: kms.Key;
}

/** An isolated VPC (no NAT, no internet gateway) and a rotating key. */
export function inferenceFixtures(stack: Stack): InferenceFixtures {
  const vpc = standInIsolatedVpc(stack, '10.30.0.0/16');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  return { vpc, key };
}

/** A Cognito user pool with strong settings (what an identity concern would provide). */
export function userPool(stack: Stack): cognito.UserPool {
  const pool = new cognito.UserPool(stack, 'Users', {
    selfSignUpEnabled: false,
    mfa: cognito.Mfa.REQUIRED,
    mfaSecondFactor: { sms: false, otp: true },
    passwordPolicy: { minLength: 14, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
    featurePlan: cognito.FeaturePlan.PLUS,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  pool.addResourceServer('Inference', { identifier: 'inference', scopes: [{ scopeName: 'invoke', scopeDescription: 'call the inference API' }] });
  return pool;
}
