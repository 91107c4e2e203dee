/**
 * The sample files of the platform repository (internal). The TypeScript samples and the README are
 * real files in `templates/platform/` of this package; this module reads them and fills in the
 * project's values.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ACCOUNT_ORDER, DEFAULT_CONFIG_FILE, deployRoleName, ENVIRONMENT_PREFIX, onboardingStackSelector, ResolvedPlatformOptions, stackSelector } from './platform-options';
import { PlatformBootstrap } from '../../blueprint/bootstrap/platform-bootstrap';
import { PlatformAccount, PlatformConfig } from '../../blueprint/config/platform-config';
import { PlatformNames } from '../../blueprint/naming';

/** The folder of the platform templates inside this package (from src/ and from lib/ alike). */
export const PLATFORM_TEMPLATES_DIR = path.join(__dirname, '..', '..', '..', 'templates', 'platform');

/** What each account's platform stack holds. */
const HOLDS: Record<PlatformAccount, string> = {
  [PlatformAccount.DATA]: 'key, guardrails, compliance baseline, Glue database and Lake Formation column grants to EXP',
  [PlatformAccount.EXP]: 'isolated network, keys, personas, SageMaker Studio domain and user profiles, CodeArtifact mirror',
  [PlatformAccount.RES]: 'central ECR registry and image builds, model event bus, Service Catalog portfolio',
  [PlatformAccount.DEV]: 'isolated network, keys and personas of the first deployment target',
  [PlatformAccount.INT]: 'isolated network, keys and personas of staging (read-only for people)',
  [PlatformAccount.PROD]: 'isolated network, keys and personas of production',
};

/** Reads a template file of `templates/platform/`. */
export function readTemplate(relativePath: string): string {
  const file = path.join(PLATFORM_TEMPLATES_DIR, relativePath);
  try {
    return fs.readFileSync(file, 'utf-8');
  } catch (e) {
    throw new Error(`MlopsPlatformProject: the template ${relativePath} is missing from the package (${(e as Error).message})`);
  }
}

/** Quotes path segments as TypeScript string literals: `a/b` -> `'a', 'b'`. */
function segments(relativePath: string): string {
  return relativePath
    .split('/')
    .map((s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`)
    .join(', ');
}

/** Replaces the one occurrence of `token` in a template; throws when there is not exactly one. */
function replaceOnce(text: string, token: string, replacement: string, templatePath: string): string {
  const count = text.split(token).length - 1;
  if (count !== 1) {
    throw new Error(`MlopsPlatformProject: the template ${templatePath} must contain ${token} exactly once (found ${count})`);
  }
  return text.replace(token, replacement);
}

/**
 * A TypeScript sample with its paths put in. The templates compute the project root from their own
 * folder as `path.join(__dirname, '..')` and name the configuration `'platform.json'` (each exactly
 * once); both are replaced for where the sample is written and where the configuration is.
 * @param templatePath the template, relative to `templates/platform/`
 * @param targetPath where the sample is written, relative to the project root (e.g. `src/main.ts`)
 * @param configFile the configuration file, relative to the project root
 */
export function typescriptSample(templatePath: string, targetPath: string, configFile: string): string {
  const toRoot = path.posix.relative(path.posix.dirname(targetPath), '.') || '.';
  let text = readTemplate(templatePath);
  text = replaceOnce(text, "path.join(__dirname, '..')", `path.join(__dirname, ${segments(toRoot)})`, templatePath);
  text = replaceOnce(text, `'${DEFAULT_CONFIG_FILE}'`, segments(configFile), templatePath);
  return text;
}

/** The sample configuration file: `PlatformConfig.sample()` as JSON or YAML (by the file's extension). */
export function configSample(configFile: string): string {
  const json = PlatformConfig.sample().toJson();
  if (/\.ya?ml$/i.test(configFile)) {
    return `# The platform configuration: replace the placeholder account ids (see README.md).\n${YAML.stringify(json)}`;
  }
  return `${JSON.stringify(json, undefined, 2)}\n`;
}

function fill(template: string, values: Record<string, string>): string {
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => {
    if (!(key in values)) {
      throw new Error(`MlopsPlatformProject: the README template uses the unknown placeholder ${whole}`);
    }
    return values[key];
  });
  return out;
}

/** The deploy role ARN of one account. */
export function deployRoleArn(options: ResolvedPlatformOptions, account: PlatformAccount): string {
  const names = new PlatformNames(options.config);
  const { accountId } = options.config.account(account);
  return `arn:${names.partition(account)}:iam::${accountId}:role/${deployRoleName(options.deployRoleNameTemplate, options.config, account)}`;
}

/** The GitHub environment of an account's deploy job, if it waits for a reviewer. */
export function deployEnvironment(options: ResolvedPlatformOptions, account: PlatformAccount): string | undefined {
  return options.approvalAccounts.includes(account) ? `${ENVIRONMENT_PREFIX}${account}` : undefined;
}

/** The README sample: the stacks per account, the bootstrap commands and the deploy roles. */
export function readmeSample(projectName: string, options: ResolvedPlatformOptions): string {
  const config = options.config;
  const names = new PlatformNames(config);
  const stackTable = ACCOUNT_ORDER.map((a) => {
    const { accountId, region } = config.account(a);
    return `| ${a.toUpperCase()} | ${accountId} | ${region} | \`${names.platformStackName(a)}\` | ${HOLDS[a]} |`;
  }).join('\n');
  const bootstrapCommands = PlatformBootstrap.forConfig(config)
    .map((b) => [`# ${b.account.toUpperCase()} ${b.accountId} ${b.region}`, b.createPolicyCommand, b.bootstrapCommand].join('\n'))
    .join('\n\n');
  const deployOrder = options.deployWorkflow
    ? options.deployAccounts
      .map((a, i) => `${i + 1}. ${a.toUpperCase()}, stack \`${names.platformStackName(a)}\`: \`npx cdk deploy ${stackSelector(a)} --require-approval never\``
        + (deployEnvironment(options, a) ? ' (after a reviewer\'s approval)' : '')
        + (onboardingStackSelector(config, a)
          ? `, then the use cases' onboarding stacks \`${config.prefix}-<use case>-onboarding-${a}\`, which read what it publishes: \`npx cdk deploy ${onboardingStackSelector(config, a)} --require-approval never\``
          : ''))
      .join('\n')
    : '(the deploy workflow is turned off: `deployWorkflow: false` in `.projenrc.ts`)';
  const roleTable = options.deployAccounts
    .map((a) => `| ${a.toUpperCase()} | \`${deployRoleArn(options, a)}\` | ${deployEnvironment(options, a) ? `\`${deployEnvironment(options, a)}\` (required reviewers)` : '-'} |`)
    .join('\n');
  return fill(readTemplate('README.md'), {
    PROJECT_NAME: projectName,
    CONFIG_FILE: options.configFile,
    STACK_TABLE: stackTable,
    QUALIFIER: config.qualifier,
    BOOTSTRAP_DIR: options.bootstrapOutDir,
    BOOTSTRAP_COMMANDS: bootstrapCommands,
    DEPLOY_BRANCH: options.deployBranch,
    DEPLOY_ORDER: deployOrder,
    ROLE_TABLE: roleTable,
  });
}
