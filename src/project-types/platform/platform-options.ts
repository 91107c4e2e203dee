/**
 * Resolution and validation of the options of `MlopsPlatformProject` (internal: not exported from the
 * package). Every problem is reported with the name of the option and what to write instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import { sharesDataPerUseCase } from '../../blueprint/config/data-access';
import { PlatformAccount, PlatformConfig } from '../../blueprint/config/platform-config';
import { PLATFORM_ACCOUNT_NAMES } from '../../blueprint/config/validation';

/** The npm name of this library; the project type adds it as a runtime dependency. */
export const OWN_PACKAGE_NAME = '@vw/mlops-blueprint';
/** The lowest aws-cdk-lib this library supports (cdk-nag 3 needs it): the floor of the generated app. */
export const MIN_CDK_VERSION = '2.257.0';
/** The cdk-nag range of the generated app (this library's peer range). */
export const CDK_NAG_RANGE = '^3.0.2';
/** The TypeScript line of the generated app (ts-node, ts-jest and typescript-eslint do not support TypeScript 7). */
export const DEFAULT_TYPESCRIPT_VERSION = '~6.0';
/** The lowest Node.js this library supports: the generated app's `minNodeVersion` (and its `@types/node` major). */
export const MIN_NODE_VERSION = '20.16.0';
/** The Node.js of the generated workflows: a maintained LTS line (Node.js 20 reached its end of life in 2026). */
export const DEFAULT_WORKFLOW_NODE_VERSION = '22.x';
/** The default platform configuration file. */
export const DEFAULT_CONFIG_FILE = 'platform.json';
/** The default deploy role name; `{prefix}` and `{account}` are replaced. */
export const DEFAULT_DEPLOY_ROLE_NAME = '{prefix}-platform-deploy';
/** The default folder the bootstrap task writes to. */
export const DEFAULT_BOOTSTRAP_OUT_DIR = 'bootstrap';
/** The accounts whose deploy job waits for a reviewer by default. */
export const DEFAULT_APPROVAL_ACCOUNTS: readonly PlatformAccount[] = [PlatformAccount.INT, PlatformAccount.PROD];
/** The prefix of the GitHub environment of a deploy job (`platform-int`). */
export const ENVIRONMENT_PREFIX = 'platform-';

/** The construct id of `MlopsPlatform` in the sample `src/main.ts`. */
export const PLATFORM_CONSTRUCT_ID = 'Platform';

/**
 * What selects an account's stack on the cdk command line: its construct path (`Platform/Data`). The CDK
 * CLI matches stack selectors against construct paths only, never against stack names.
 */
export function stackSelector(account: PlatformAccount): string {
  return `${PLATFORM_CONSTRUCT_ID}/${account.charAt(0).toUpperCase()}${account.slice(1)}`;
}

/**
 * What selects the use cases' onboarding stacks of an account on the cdk command line
 * (a glob: `Platform/UseCase-<any>/Exp` with `*` for `<any>`), or undefined when the account has none: every listed use case has one in
 * EXP, DEV, INT and PROD (its scoped deploy roles; in EXP also its Studio profiles), in RES (its approver
 * role) and, with `dataAccess`, in DATA (its data cells filters). They join what the account's platform stack creates (the Studio domain, the VPC, the keys, read from
 * its SSM parameters), so they deploy after it.
 * @param config the platform configuration
 * @param account the account
 */
export function onboardingStackSelector(config: PlatformConfig, account: PlatformAccount): string | undefined {
  if (config.useCases.length === 0 || (account === PlatformAccount.DATA && !sharesDataPerUseCase(config))) return undefined;
  return `'${PLATFORM_CONSTRUCT_ID}/UseCase-*/${account.charAt(0).toUpperCase()}${account.slice(1)}'`;
}

/** The six accounts in dependency (deployment) order. */
export const ACCOUNT_ORDER: readonly PlatformAccount[] = PLATFORM_ACCOUNT_NAMES.map((n) => n as PlatformAccount);

const OPTION_PREFIX = 'MlopsPlatformProject';

/** The options of the project type after defaults and validation. */
export interface ResolvedPlatformOptions {
  readonly configFile: string;
  readonly config: PlatformConfig;
  /** whether the configuration file already existed (else the sample configuration is used and written) */
  readonly configExists: boolean;
  readonly deployWorkflow: boolean;
  /** in dependency order */
  readonly deployAccounts: PlatformAccount[];
  /** in dependency order, a subset of deployAccounts */
  readonly approvalAccounts: PlatformAccount[];
  readonly deployRoleNameTemplate: string;
  readonly deployBranch: string;
  readonly bootstrapOutDir: string;
  readonly ownSpec: string;
}

/** The raw options this module looks at (a subset of MlopsPlatformProjectOptions). */
export interface RawPlatformOptions {
  readonly outdir?: string;
  readonly defaultReleaseBranch?: string;
  readonly platformConfigFile?: string;
  readonly deployWorkflow?: boolean;
  readonly deployAccounts?: PlatformAccount[];
  readonly approvalAccounts?: PlatformAccount[];
  readonly deployRoleName?: string;
  readonly deployBranch?: string;
  readonly bootstrapOutDir?: string;
  readonly deps?: string[];
  readonly devDeps?: string[];
}

function fail(option: string, message: string): never {
  throw new Error(`${OPTION_PREFIX}: option "${option}": ${message}`);
}

/**
 * A path inside the project: relative, normalized, no `..`, no backslashes.
 */
function validateRelativePath(option: string, value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    fail(option, `must be a non-empty path relative to the project root (${what}), for example "${option === 'platformConfigFile' ? DEFAULT_CONFIG_FILE : DEFAULT_BOOTSTRAP_OUT_DIR}"`);
  }
  if (path.isAbsolute(value) || /^[A-Za-z]:/.test(value) || value.includes('\\')) {
    fail(option, `"${value}" must be a path relative to the project root written with "/", not an absolute path`);
  }
  const normalized = path.posix.normalize(value).replace(/\/+$/, '');
  if (normalized === '.' || normalized.split('/').includes('..')) {
    fail(option, `"${value}" must stay inside the project: write a path below the project root without ".."`);
  }
  if (/\s/.test(normalized)) {
    fail(option, `"${value}" contains whitespace; use a path without spaces (it is used unquoted in task commands)`);
  }
  return normalized;
}

/** Validates an account list (unknown names, duplicates) and returns it in dependency order. */
function validateAccounts(option: string, accounts: unknown): PlatformAccount[] {
  if (!Array.isArray(accounts)) {
    fail(option, 'must be a list of accounts, for example [PlatformAccount.DATA, PlatformAccount.EXP]');
  }
  const seen = new Set<string>();
  for (const a of accounts) {
    if (typeof a !== 'string' || !(ACCOUNT_ORDER as string[]).includes(a)) {
      fail(option, `${JSON.stringify(a)} is not a platform account; use PlatformAccount.DATA, EXP, RES, DEV, INT or PROD ("${ACCOUNT_ORDER.join('", "')}")`);
    }
    if (seen.has(a)) {
      fail(option, `"${a}" is listed twice; list each account once (the order does not matter: jobs always run in dependency order ${ACCOUNT_ORDER.join(' -> ')})`);
    }
    seen.add(a);
  }
  return ACCOUNT_ORDER.filter((a) => seen.has(a));
}

/** The deploy role name of one account: `{prefix}` and `{account}` replaced. */
export function deployRoleName(template: string, config: PlatformConfig, account: PlatformAccount): string {
  return template.replace(/\{prefix\}/g, config.prefix).replace(/\{account\}/g, account);
}

function validateRoleName(template: unknown, config: PlatformConfig): string {
  if (typeof template !== 'string' || template === '') {
    fail('deployRoleName', `must be a non-empty IAM role name, for example "${DEFAULT_DEPLOY_ROLE_NAME}"`);
  }
  const unknown = (template.match(/\{[^}]*\}/g) ?? []).filter((p) => p !== '{prefix}' && p !== '{account}');
  if (unknown.length > 0) {
    fail('deployRoleName', `"${template}" uses the unknown placeholder ${unknown[0]}; only {prefix} and {account} are replaced`);
  }
  for (const account of ACCOUNT_ORDER) {
    const name = deployRoleName(template, config, account);
    if (!/^[\w+=,.@-]{1,64}$/.test(name)) {
      fail(
        'deployRoleName',
        `"${template}" gives the role name "${name}" for ${account.toUpperCase()}, which is not a valid IAM role name: ` +
          'use 1 to 64 letters, digits and + = , . @ _ -',
      );
    }
  }
  return template;
}

function validateBranch(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9._/-]+$/.test(value) || value.startsWith('/') || value.endsWith('/') || value.includes('..')) {
    fail('deployBranch', `${JSON.stringify(value)} is not a branch name; write a git branch such as "main"`);
  }
  return value;
}

/**
 * The spec of this library to depend on: the one `projen new --from <spec>` put into devDeps (or the
 * user put into deps or devDeps), else the bare package name.
 */
export function ownDependencySpec(deps: readonly string[] = [], devDeps: readonly string[] = []): string {
  const isOwn = (d: string) => d === OWN_PACKAGE_NAME || d.startsWith(`${OWN_PACKAGE_NAME}@`);
  return [...deps, ...devDeps].find(isOwn) ?? OWN_PACKAGE_NAME;
}

/** Removes this library from a dependency list (it is added once, as a runtime dependency). */
export function withoutOwnPackage(list: readonly string[] | undefined): string[] | undefined {
  if (!list) return undefined;
  return list.filter((d) => !(d === OWN_PACKAGE_NAME || d.startsWith(`${OWN_PACKAGE_NAME}@`)));
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10));
  const pb = b.split('.').map((x) => parseInt(x, 10));
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) return pa[i] - pb[i];
  }
  return 0;
}

/**
 * The aws-cdk-lib version of the generated app: the given one, raised to this library's minimum when it is
 * lower (projen renders its own, older default into `.projenrc.ts`).
 */
export function effectiveCdkVersion(cdkVersion: string): string {
  const m = /^(\d+\.\d+\.\d+)(-[0-9A-Za-z.-]+)?$/.exec(cdkVersion ?? '');
  if (!m) {
    throw new Error(`${OPTION_PREFIX}: option "cdkVersion": "${cdkVersion}" is not an exact aws-cdk-lib version; write one such as "${MIN_CDK_VERSION}"`);
  }
  return compareVersions(m[1], MIN_CDK_VERSION) < 0 ? MIN_CDK_VERSION : cdkVersion;
}

/**
 * Reads the platform configuration of the project (or the sample when the file does not exist yet).
 */
function readConfig(baseDir: string, configFile: string): { config: PlatformConfig; exists: boolean } {
  const file = path.join(baseDir, configFile);
  if (!fs.existsSync(file)) {
    return { config: PlatformConfig.sample(), exists: false };
  }
  try {
    return { config: PlatformConfig.fromFile(file), exists: true };
  } catch (e) {
    throw new Error(`${OPTION_PREFIX}: the platform configuration "${configFile}" (option "platformConfigFile") is not valid:\n${(e as Error).message}`);
  }
}

/**
 * Applies the defaults and validates every option of the project type.
 * @param options the options as given
 * @param baseDir the project's directory (where the configuration file is looked for)
 */
export function resolvePlatformOptions(options: RawPlatformOptions, baseDir: string): ResolvedPlatformOptions {
  const configFile = validateRelativePath('platformConfigFile', options.platformConfigFile ?? DEFAULT_CONFIG_FILE, 'the platform configuration');
  if (!/\.(json|ya?ml)$/i.test(configFile)) {
    fail('platformConfigFile', `"${configFile}" must end with .json, .yaml or .yml (the file is read as JSON or YAML by its extension)`);
  }
  const bootstrapOutDir = validateRelativePath('bootstrapOutDir', options.bootstrapOutDir ?? DEFAULT_BOOTSTRAP_OUT_DIR, 'where the bootstrap task writes');

  const deployAccounts = options.deployAccounts === undefined ? [...ACCOUNT_ORDER] : validateAccounts('deployAccounts', options.deployAccounts);
  if (deployAccounts.length === 0) {
    fail('deployAccounts', 'is empty; list at least one account, or set "deployWorkflow: false" for no deploy workflow');
  }
  let approvalAccounts: PlatformAccount[];
  if (options.approvalAccounts === undefined) {
    approvalAccounts = DEFAULT_APPROVAL_ACCOUNTS.filter((a) => deployAccounts.includes(a));
  } else {
    approvalAccounts = validateAccounts('approvalAccounts', options.approvalAccounts);
    const notDeployed = approvalAccounts.filter((a) => !deployAccounts.includes(a));
    if (notDeployed.length > 0) {
      fail('approvalAccounts', `"${notDeployed[0]}" is not deployed by the workflow (option "deployAccounts"); add it there or remove it here`);
    }
  }

  const { config, exists } = readConfig(baseDir, configFile);
  const deployRoleNameTemplate = validateRoleName(options.deployRoleName ?? DEFAULT_DEPLOY_ROLE_NAME, config);
  const deployBranch = validateBranch(options.deployBranch ?? options.defaultReleaseBranch ?? 'main');
  if (options.deployWorkflow !== undefined && typeof options.deployWorkflow !== 'boolean') {
    fail('deployWorkflow', `must be true or false, not ${JSON.stringify(options.deployWorkflow)}`);
  }

  return {
    configFile,
    config,
    configExists: exists,
    deployWorkflow: options.deployWorkflow ?? true,
    deployAccounts,
    approvalAccounts,
    deployRoleNameTemplate,
    deployBranch,
    bootstrapOutDir,
    ownSpec: ownDependencySpec(options.deps, options.devDeps),
  };
}
