/**
 * `deploy check-pin`: the synthesized template of a serving stack must deploy exactly the pinned model
 * package. Reads the pinned-model document (`deploy resolve`) and the stack's template in the cloud
 * assembly (manifest.json -> the stack artifact -> its template file, nested assemblies of CDK stages
 * and nested stack templates included) and checks every `AWS::SageMaker::Model`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DeployCheckError } from './errors';

/** A versioned model package ARN. */
export const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[^/]+\/\d+$/;

/** The part of the pinned-model document that the checks use. */
export interface PinnedModelRef {
  /** The pinned model package ARN. */
  readonly modelPackageArn: string;
  /** The version number, if the document has it. */
  readonly modelPackageVersion?: number;
  /** The model package group, if the document has it. */
  readonly modelPackageGroupName?: string;
}

/** One model of the checked template. */
export interface CheckedModel {
  /** The logical id (with the nested stack's logical id in front, `Nested/Model`, for nested stacks). */
  readonly logicalId: string;
  /** The ModelPackageName of each container (`null` for a container without one or with a non-literal value). */
  readonly modelPackageNames: (string | null)[];
}

/** The result of a passed check. */
export interface CheckPinResult {
  readonly pinned: PinnedModelRef;
  /** The stack artifact id in the assembly. */
  readonly stackArtifactId: string;
  /** The template file that was checked. */
  readonly templateFile: string;
  /** Every model of the stack; all use the pinned ARN. */
  readonly models: CheckedModel[];
}

/**
 * Reads and checks a pinned-model document (schemaVersion 1, a versioned model package ARN).
 * @throws DeployCheckError NOT_FOUND (no file), INVALID_INPUT (not JSON, not a pinned-model document)
 */
export function readPinnedModel(file: string): PinnedModelRef {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new DeployCheckError(
      'NOT_FOUND',
      `the pinned-model file ${file} does not exist; the Resolve stage writes it (mlops-blueprint deploy resolve --group <group> --out pinned-model.json), and nothing is deployed without it`,
    );
  }
  let doc: any;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new DeployCheckError('INVALID_INPUT', `the pinned-model file ${file} is not JSON: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new DeployCheckError('INVALID_INPUT', `the pinned-model file ${file} is not a JSON object`);
  }
  if (doc.schemaVersion !== 1) {
    throw new DeployCheckError('INVALID_INPUT', `the pinned-model file ${file} has schemaVersion ${JSON.stringify(doc.schemaVersion)}; this CLI reads schemaVersion 1 (written by deploy resolve)`);
  }
  if (typeof doc.modelPackageArn !== 'string' || !MODEL_PACKAGE_ARN.test(doc.modelPackageArn)) {
    throw new DeployCheckError(
      'INVALID_INPUT',
      `the pinned-model file ${file} has no versioned model package ARN in modelPackageArn (got ${JSON.stringify(doc.modelPackageArn)}; expected arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)`,
    );
  }
  if (doc.approvalStatus !== undefined && doc.approvalStatus !== 'Approved') {
    throw new DeployCheckError('INVALID_INPUT', `the pinned-model file ${file} pins a model with approval status ${JSON.stringify(doc.approvalStatus)}; only Approved models are deployed`);
  }
  return {
    modelPackageArn: doc.modelPackageArn,
    modelPackageVersion: typeof doc.modelPackageVersion === 'number' ? doc.modelPackageVersion : undefined,
    modelPackageGroupName: typeof doc.modelPackageGroupName === 'string' ? doc.modelPackageGroupName : undefined,
  };
}

/** A stack of a cloud assembly. */
export interface AssemblyStack {
  /** The artifact id (the same as the hierarchical id for a stack directly under the App). */
  readonly artifactId: string;
  /** The hierarchical id (the construct path: `WeldGun/ServingDev`, `Stage/Stack`): what `cdk deploy` selects a stack by. */
  readonly displayName: string;
  /** The CloudFormation stack name. */
  readonly stackName?: string;
  /** The template file, absolute. */
  readonly templateFile: string;
  /** The assembly directory the template belongs to (nested stack templates are relative to it). */
  readonly assemblyDir: string;
}

/**
 * Every stack of a cloud assembly, nested assemblies (CDK stages) included.
 * @throws DeployCheckError NOT_FOUND (no directory or manifest), INVALID_INPUT (unreadable manifest)
 */
export function listStacks(assemblyDir: string): AssemblyStack[] {
  if (!fs.existsSync(assemblyDir) || !fs.statSync(assemblyDir).isDirectory()) {
    throw new DeployCheckError('NOT_FOUND', `the cloud assembly ${assemblyDir} does not exist; it is the output of cdk synth (the CloudAssembly artifact, cdk.out)`);
  }
  const stacks: AssemblyStack[] = [];
  collectStacks(assemblyDir, stacks, 0);
  return stacks;
}

function collectStacks(dir: string, into: AssemblyStack[], depth: number): void {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new DeployCheckError('NOT_FOUND', `${dir} is not a cloud assembly: it has no manifest.json (run cdk synth, or pass the cdk.out directory)`);
  }
  let manifest: any;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8'));
  } catch (e) {
    throw new DeployCheckError('INVALID_INPUT', `the assembly manifest ${manifestFile} is not JSON: ${(e as Error).message}`);
  }
  for (const [id, artifact] of Object.entries<any>(manifest?.artifacts ?? {})) {
    if (artifact?.type === 'aws:cloudformation:stack' && typeof artifact.properties?.templateFile === 'string') {
      into.push({
        artifactId: id,
        displayName: typeof artifact.displayName === 'string' ? artifact.displayName : id,
        stackName: typeof artifact.properties.stackName === 'string' ? artifact.properties.stackName : undefined,
        templateFile: path.resolve(dir, artifact.properties.templateFile),
        assemblyDir: dir,
      });
    } else if (artifact?.type === 'cdk:cloud-assembly' && typeof artifact.properties?.directoryName === 'string' && depth < 10) {
      collectStacks(path.resolve(dir, artifact.properties.directoryName), into, depth + 1);
    }
  }
}

/**
 * The stack `name` selects, exactly as `cdk deploy --app <assembly> <name>` (CDK CLI v2) does: by its
 * hierarchical id (the stack's construct path, `displayName` in the manifest: `WeldGun/ServingDev`,
 * `Stage/Stack`; for a stack directly under the App that is also its artifact id). The CLI selects no
 * stack by its CloudFormation stack name nor by the artifact id of a stack below another construct, so
 * neither does this: a check that passed on a name `cdk deploy` then rejects would prove nothing.
 * @throws DeployCheckError NOT_FOUND with the stacks there are (and the hierarchical id to write when
 *   `name` is a stack name or an artifact id)
 */
export function findStack(assemblyDir: string, name: string): AssemblyStack {
  const stacks = listStacks(assemblyDir);
  const found = stacks.find((s) => s.displayName === name);
  if (!found) {
    const meant = stacks.find((s) => s.stackName === name) ?? stacks.find((s) => s.artifactId === name);
    if (meant) {
      const what = meant.stackName === name ? 'the CloudFormation stack name' : 'the artifact id';
      throw new DeployCheckError(
        'NOT_FOUND',
        `"${name}" is ${what} of the stack ${meant.displayName}, which cdk deploy does not select by (it prints "No stacks match the name(s) ${name}"); ` +
          `select the stack by its hierarchical id: --stack "${meant.displayName}" (and the same in cdk deploy)`,
      );
    }
    const known = stacks.map((s) => (s.stackName !== undefined && s.stackName !== s.displayName ? `${s.displayName} (stack name ${s.stackName})` : s.displayName));
    throw new DeployCheckError(
      'NOT_FOUND',
      `the cloud assembly ${assemblyDir} has no stack "${name}" (selected by hierarchical id, as cdk deploy does); ${known.length > 0 ? `its stacks are: ${known.join(', ')}` : 'it has no stacks'}`,
    );
  }
  return found;
}

/**
 * Checks that every `AWS::SageMaker::Model` of the stack's template (and of its nested stacks) uses
 * exactly the pinned model package ARN in every container, and that there is at least one.
 * @throws DeployCheckError CHECK_FAILED with every offending model, NOT_FOUND, INVALID_INPUT
 */
export function checkPin(pinnedFile: string, assemblyDir: string, stackName: string): CheckPinResult {
  const pinned = readPinnedModel(pinnedFile);
  const stack = findStack(assemblyDir, stackName);
  const models: CheckedModel[] = [];
  collectModels(stack.templateFile, stack.assemblyDir, '', models, 0);
  const where = `stack ${stackName} (${path.relative(process.cwd(), stack.templateFile) || stack.templateFile})`;
  if (models.length === 0) {
    throw new DeployCheckError('CHECK_FAILED', `${where} has no AWS::SageMaker::Model, so it cannot deploy the pinned model ${pinned.modelPackageArn}; is it the serving stack?`);
  }
  const problems: string[] = [];
  for (const m of models) {
    if (m.modelPackageNames.length === 0) problems.push(`${m.logicalId} has no container`);
    m.modelPackageNames.forEach((name, i) => {
      const container = m.modelPackageNames.length > 1 ? ` container ${i + 1}` : '';
      if (name === null) problems.push(`${m.logicalId}${container} does not name a model package as a literal ARN (an image, or a parameter/reference instead of -c pinnedModelPackageArn=...)`);
      else if (name !== pinned.modelPackageArn) problems.push(`${m.logicalId}${container} uses ${name}`);
    });
  }
  if (problems.length > 0) {
    throw new DeployCheckError(
      'CHECK_FAILED',
      `${where} does not deploy exactly the pinned model ${pinned.modelPackageArn}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'synthesize the app with -c pinnedModelPackageArn=<the pinned ARN> and deploy that cloud assembly',
    );
  }
  return { pinned, stackArtifactId: stack.artifactId, templateFile: stack.templateFile, models };
}

function collectModels(templateFile: string, assemblyDir: string, prefix: string, into: CheckedModel[], depth: number): void {
  if (!fs.existsSync(templateFile)) {
    throw new DeployCheckError('NOT_FOUND', `the template ${templateFile} named by the assembly does not exist; synthesize the app again`);
  }
  let template: any;
  try {
    template = JSON.parse(fs.readFileSync(templateFile, 'utf-8'));
  } catch (e) {
    throw new DeployCheckError('INVALID_INPUT', `the template ${templateFile} is not JSON: ${(e as Error).message}`);
  }
  for (const [logicalId, resource] of Object.entries<any>(template?.Resources ?? {})) {
    if (resource?.Type === 'AWS::SageMaker::Model') {
      const props = resource.Properties ?? {};
      const all = [props.PrimaryContainer, ...(Array.isArray(props.Containers) ? props.Containers : [])];
      const containers = all.filter((c) => c !== undefined && c !== null);
      into.push({
        logicalId: `${prefix}${logicalId}`,
        modelPackageNames: containers.map((c: any) => (typeof c?.ModelPackageName === 'string' ? c.ModelPackageName : null)),
      });
    } else if (resource?.Type === 'AWS::CloudFormation::Stack') {
      const nested = resource.Metadata?.['aws:asset:path'];
      if (typeof nested !== 'string' || depth >= 10) {
        // fail closed: a nested template that cannot be found could hold any model
        throw new DeployCheckError(
          'CHECK_FAILED',
          `the nested stack ${prefix}${logicalId} of ${templateFile} cannot be checked: it has no aws:asset:path metadata (synthesize with the CDK CLI, which records it)`,
        );
      }
      collectModels(path.resolve(assemblyDir, nested), assemblyDir, `${prefix}${logicalId}/`, into, depth + 1);
    }
  }
}
