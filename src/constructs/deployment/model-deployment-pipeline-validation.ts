import { Stack, Token } from 'aws-cdk-lib';
import { validateTargets } from './deployment-target-validation';
import { ModelDeploymentPipelineProps } from './model-deployment-pipeline-props';
import { checkPipelineProjectNetwork } from '../core/pipeline-project';

/** A CDK bootstrap qualifier, as the bootstrap template allows it. */
const QUALIFIER = /^[A-Za-z0-9_-]{1,10}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const EVENT_BUS_NAME = /^[A-Za-z0-9._-]{1,256}$/;
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/([A-Za-z0-9._-]{1,256})$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** A model-event-bus ARN (region, account, name). @internal */
export const EVENT_BUS_ARN_PATTERN = EVENT_BUS_ARN;

/**
 * Checks the props of a `ModelDeploymentPipeline`: every literal value, with what to write instead.
 * @internal
 */
export function validateProps(props: ModelDeploymentPipelineProps, stack: Stack): void {
  const P = 'ModelDeploymentPipeline';
  if (Token.isUnresolved(props.qualifier) || !QUALIFIER.test(props.qualifier ?? '')) {
    throw new Error(
      `${P}: qualifier ${JSON.stringify(props.qualifier)} is not a CDK bootstrap qualifier; write the literal qualifier the target accounts were bootstrapped with (1 to 10 letters, digits, '-' or '_'), e.g. 'mlops'`,
    );
  }
  if (!Token.isUnresolved(props.registryAccount) && !ACCOUNT_ID.test(props.registryAccount ?? '')) {
    throw new Error(`${P}: registryAccount ${JSON.stringify(props.registryAccount)} is not an AWS account id; write the 12 digits of the registry (EXP) account, e.g. '222222222222'`);
  }
  if (props.registryRegion !== undefined && !Token.isUnresolved(props.registryRegion) && !REGION.test(props.registryRegion)) {
    throw new Error(`${P}: registryRegion ${JSON.stringify(props.registryRegion)} is not an AWS region; write e.g. 'eu-central-1'`);
  }
  if (!Token.isUnresolved(props.modelPackageGroupName) && !GROUP_NAME.test(props.modelPackageGroupName ?? '')) {
    throw new Error(`${P}: modelPackageGroupName ${JSON.stringify(props.modelPackageGroupName)} is not a model package group name (1 to 63 letters, digits and hyphens); write the name, not the ARN, e.g. 'churn-model'`);
  }
  const bus = props.modelEventBus ?? '';
  if (!Token.isUnresolved(bus)) {
    const arn = EVENT_BUS_ARN.exec(bus);
    if (bus.startsWith('arn:') && !arn) {
      throw new Error(`${P}: modelEventBus ${JSON.stringify(bus)} is not an event bus ARN; write the bus name (e.g. 'mlops-model-events') or arn:aws:events:<region>:<account>:event-bus/<name>`);
    }
    if (arn && ((!Token.isUnresolved(stack.region) && arn[1] !== stack.region) || (!Token.isUnresolved(stack.account) && arn[2] !== stack.account))) {
      throw new Error(`${P}: modelEventBus ${bus} is not in this stack's account and region (${stack.account}/${stack.region}); a rule can only be created on a bus of its own account and region: deploy the pipeline in RES next to the bus`);
    }
    if (!arn && (!EVENT_BUS_NAME.test(bus) || bus === 'default')) {
      throw new Error(`${P}: modelEventBus ${JSON.stringify(bus)} is not the name of a custom event bus; write the name of the ModelEventBus, e.g. 'mlops-model-events'`);
    }
  }
  if (props.resolveRoleName !== undefined && !Token.isUnresolved(props.resolveRoleName) && !ROLE_NAME.test(props.resolveRoleName)) {
    throw new Error(`${P}: resolveRoleName ${JSON.stringify(props.resolveRoleName)} is not an IAM role name (1 to 64 of letters, digits and +=,.@_-); write e.g. 'churn-model-resolve'`);
  }
  if (props.installCommands !== undefined && (props.installCommands.length === 0 || props.installCommands.some((c) => c.trim().length === 0))) {
    throw new Error(`${P}: installCommands is empty or has an empty command; the projects need the use-case repository's dependencies (npx mlops-blueprint, npx cdk): e.g. ['npm ci']`);
  }
  const sample = props.smokeTestSamplePath;
  if (sample !== undefined && (sample.length === 0 || sample.startsWith('/') || sample.split('/').includes('..'))) {
    throw new Error(`${P}: smokeTestSamplePath ${JSON.stringify(sample)} must be a path inside the use-case repository, relative to its root, without '..', e.g. 'smoke-test/sample.json'`);
  }
  if (props.smokeTestContentType !== undefined && !/^[\w.+-]+\/[\w.+-]+(;.*)?$/.test(props.smokeTestContentType)) {
    throw new Error(`${P}: smokeTestContentType ${JSON.stringify(props.smokeTestContentType)} is not a MIME type; write e.g. 'text/csv' or 'application/json'`);
  }
  const smokeMinutes = props.smokeTestTimeout?.toMinutes({ integral: false });
  if (smokeMinutes !== undefined && (smokeMinutes < 1 || smokeMinutes > 120)) {
    throw new Error(`${P}: smokeTestTimeout must be between 1 and 120 minutes, got ${smokeMinutes}; e.g. Duration.minutes(20)`);
  }
  const deployMinutes = props.deployTimeout?.toMinutes({ integral: false });
  if (deployMinutes !== undefined && (deployMinutes < 5 || deployMinutes > 480)) {
    throw new Error(`${P}: deployTimeout must be between 5 minutes and 8 hours (CodeBuild's limit), got ${deployMinutes} minutes; e.g. Duration.hours(2)`);
  }
  checkPipelineProjectNetwork(P, props);
  validateTargets(props.targets, stack.account);
}
