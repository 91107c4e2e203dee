/**
 * Service trusts with confused-deputy protection: a service principal that may assume a role only when
 * it acts for a resource of the role's own account (`aws:SourceAccount`).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * The service principal `service` restricted to requests made on behalf of the account of `scope`'s
 * stack (`aws:SourceAccount`), so that another account's resource of the same service cannot make the
 * service assume the role (cross-service confused deputy).
 * @param scope a construct of the stack that owns the role
 * @param service the service principal, e.g. `sagemaker.amazonaws.com`
 */
export function accountScopedServicePrincipal(scope: IConstruct, service: string): iam.ServicePrincipal {
  return new iam.ServicePrincipal(service, { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } } });
}
