import { Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';

/** An OAuth scope: printable ASCII without spaces or quotes, 1 to 256 characters. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/;

/**
 * How callers of an `InferenceApi` authenticate.
 *
 * - `iam()` (the default): AWS Signature Version 4; callers are IAM principals that an identity policy
 *   allows `execute-api:Invoke` on the method (see `InferenceApi.grantInvoke`).
 * - `cognito(userPool, scopes)`: a Cognito user pool authorizer; with scopes the caller sends an access
 *   token that carries one of them, without scopes an ID token of the pool.
 */
export class InferenceApiAuth {
  /**
   * IAM authorization (AWS_IAM): every request is signed with SigV4 by an IAM principal.
   */
  public static iam(): InferenceApiAuth {
    return new InferenceApiAuth(apigw.AuthorizationType.IAM);
  }

  /**
   * A Cognito user pool authorizer.
   * @param userPool the user pool whose tokens are accepted
   * @param scopes OAuth scopes of which the access token must carry at least one (e.g.
   * `inference/invoke`); without scopes, the ID token of the pool is accepted
   */
  public static cognito(userPool: cognito.IUserPool, scopes?: string[]): InferenceApiAuth {
    if (scopes !== undefined) {
      if (scopes.length === 0) {
        throw new Error('InferenceApiAuth.cognito: scopes is empty; give at least one scope (e.g. "inference/invoke") or leave it out to accept ID tokens');
      }
      for (const s of scopes) {
        if (!Token.isUnresolved(s) && !SCOPE.test(s)) {
          throw new Error(`InferenceApiAuth.cognito: scope ${JSON.stringify(s)} is not an OAuth scope (1 to 256 printable characters, no spaces or quotes)`);
        }
      }
    }
    return new InferenceApiAuth(apigw.AuthorizationType.COGNITO, userPool, scopes ? [...scopes] : undefined);
  }

  /** The API Gateway authorization type of the method. */
  public readonly authorizationType: apigw.AuthorizationType;
  /** The user pool (Cognito only). */
  public readonly userPool?: cognito.IUserPool;
  /** The accepted OAuth scopes (Cognito with access tokens only). */
  public readonly scopes?: string[];

  private constructor(authorizationType: apigw.AuthorizationType, userPool?: cognito.IUserPool, scopes?: string[]) {
    this.authorizationType = authorizationType;
    this.userPool = userPool;
    this.scopes = scopes;
  }
}
