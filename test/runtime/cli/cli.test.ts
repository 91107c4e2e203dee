/**
 * The CLI in-process: the argument parser's errors, help, version, exit codes, `validate` over every bad
 * fixture and `bootstrap` (printed and written). The registry commands run against moto in
 * bundled-cli.test.ts, through the bundled CLI.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformBootstrap, PlatformConfig } from '../../../src/blueprint';
import { parseArgs, UsageError } from '../../../src/runtime/cli/args';
import { CliIo, COMMANDS, EXIT, progressLine, run } from '../../../src/runtime/cli/cli';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const BAD = path.join(ROOT, 'test', 'fixtures', 'bad-configs');
const GLOBALS = [
  { name: 'json', kind: 'boolean' as const, description: 'json' },
  { name: 'help', alias: 'h', kind: 'boolean' as const, description: 'help' },
  { name: 'version', kind: 'boolean' as const, description: 'version' },
];

function parse(...argv: string[]) {
  return parseArgs(argv, COMMANDS, GLOBALS);
}

function usageError(...argv: string[]): string {
  try {
    parse(...argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: ROOT };
  const code = await run(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('argument parsing', () => {
  test('commands of one and two words, options in both forms, global options anywhere', () => {
    const p = parse('--json', 'registry', 'list', '--group=churn', '--status', 'Approved');
    expect(p.command?.words).toEqual(['registry', 'list']);
    expect(p.options).toEqual({ json: true, group: 'churn', status: 'Approved' });
    expect(parse('validate', 'platform.json').positionals).toEqual(['platform.json']);
    expect(parse('validate', '--', '--odd-name.json').positionals).toEqual(['--odd-name.json']);
    expect(parse('registry', 'approve', '--arn', 'a', '--reason', '-1% error rate').options.reason).toBe('-1% error rate');
    expect(parse('-h').options).toEqual({ help: true });
  });

  test('--help makes missing arguments no error', () => {
    expect(parse('deploy', 'resolve', '--help').command?.words).toEqual(['deploy', 'resolve']);
    expect(parse('registry', '--help').command).toBeUndefined();
  });

  test('every mistake is a UsageError that says what to write instead', () => {
    expect(usageError('regsitry', 'latest')).toBe('unknown command "regsitry"; did you mean "registry"?');
    expect(usageError('registry', 'latst')).toBe('unknown command "registry latst"; did you mean "registry latest"?');
    expect(usageError('registry')).toBe(
      '"registry" needs a subcommand: registry latest, registry list, registry describe, registry approve, registry reject, registry record-deployment',
    );
    expect(usageError('registry', 'latest', '--gruop', 'g')).toBe('unknown option --gruop for "registry latest"; did you mean "--group"?');
    expect(usageError('registry', 'latest', '--group')).toBe('--group needs a value (GROUP)');
    expect(usageError('registry', 'latest', '--group=')).toBe('--group needs a value (GROUP)');
    expect(usageError('registry', 'latest', '--group', '--json')).toBe('--group needs a value (GROUP)');
    expect(usageError('registry', 'latest', '--group', 'a', '--group', 'b')).toBe('--group is given more than once');
    expect(usageError('registry', 'latest', '--json=yes', '--group', 'a')).toBe('--json is a flag and takes no value');
    expect(usageError('registry', 'list', '--group', 'g', '--status', 'approved')).toBe(
      '--status must be one of Approved, Rejected, PendingManualApproval, not "approved"; did you mean "Approved"?',
    );
    expect(usageError('deploy', 'resolve', '--group', 'g')).toBe('"deploy resolve" needs --out FILE');
    expect(usageError('registry', 'approve', '--arn', 'a')).toBe('"registry approve" needs --reason TEXT');
    expect(usageError('validate')).toBe('"validate" needs <config>');
    expect(usageError('validate', 'a.json', 'b.json')).toBe('unexpected argument "b.json" for "validate"');
    expect(usageError('--out', 'x')).toBe('unknown option --out here');
  });
});

describe('run: help, version, usage errors and exit codes', () => {
  test('no arguments: the program help on stdout, exit 1', async () => {
    const r = await cli();
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stdout).toContain('Usage: mlops-blueprint <command> [options]');
  });

  test('--help: every command and the exit codes, exit 0', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.words.join(' '));
    expect(r.stdout).toContain('Exit codes:\n  0  success\n  1  usage error');
    expect(r.stdout).toContain('  2  not found: no approved model');
    expect(r.stdout).toContain('  3  AWS error');
  });

  test('<command> --help: the usage of that command', async () => {
    const r = await cli('deploy', 'resolve', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: mlops-blueprint deploy resolve --group GROUP --out FILE');
    expect(r.stdout).toContain('--endpoint-url URL');
  });

  test('--version prints the package version', async () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).version;
    expect(await cli('--version')).toEqual({ code: 0, stdout: `mlops-blueprint ${version}`, stderr: '' });
    expect(JSON.parse((await cli('--version', '--json')).stdout)).toEqual({ version });
  });

  test('a usage error: exit 1, the message and the usage line on stderr; --json adds an error object on stdout', async () => {
    const r = await cli('registry', 'latest');
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: "registry latest" needs --group GROUP\nusage: mlops-blueprint registry latest --group GROUP' });
    const j = await cli('registry', 'latest', '--json');
    expect(JSON.parse(j.stdout)).toEqual({ error: { code: 'USAGE', message: '"registry latest" needs --group GROUP', exitCode: 1 } });
  });

  test('invalid values are usage errors before any request', async () => {
    const pageSize = await cli('registry', 'list', '--group', 'g', '--page-size', '500', '--region', 'eu-central-1');
    expect(pageSize.code).toBe(1);
    expect(pageSize.stderr).toContain('--page-size must be a whole number from 1 to 100, not "500"');
    const endpoint = await cli('registry', 'latest', '--group', 'g', '--endpoint-url', 'localhost:5000', '--region', 'eu-central-1');
    expect(endpoint.code).toBe(1);
    expect(endpoint.stderr).toContain('the SageMaker endpoint "localhost:5000" is not an http(s) URL');
    const arn = await cli('registry', 'approve', '--arn', 'churn/3', '--reason', 'ok', '--region', 'eu-central-1');
    expect(arn.code).toBe(1);
    expect(arn.stderr).toContain('UpdateModelPackage: "churn/3" is not the ARN of a versioned model package');
  });
});

describe('validate', () => {
  test('the sample configuration is valid: exit 0', async () => {
    const r = await cli('validate', 'samples/platform.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✔ samples/platform.json is a valid platform configuration (prefix vwml, qualifier vwml)');
    const j = await cli('validate', 'samples/platform.json', '--json');
    expect(JSON.parse(j.stdout)).toEqual({ valid: true, file: 'samples/platform.json', config: PlatformConfig.fromFile(path.join(ROOT, 'samples/platform.json')).toJson() });
  });

  test('every bad fixture: exit 1, and every expected field path is listed', async () => {
    const expected: Record<string, { paths: string[] }> = JSON.parse(fs.readFileSync(path.join(BAD, 'expected.json'), 'utf-8'));
    expect(Object.keys(expected).length).toBeGreaterThan(20);
    for (const [file, { paths }] of Object.entries(expected)) {
      const r = await cli('validate', path.join('test/fixtures/bad-configs', file), '--json');
      expect({ file, code: r.code }).toEqual({ file, code: 1 });
      const out = JSON.parse(r.stdout);
      expect(out.valid).toBe(false);
      for (const p of paths) expect(out.problems.some((line: string) => line.startsWith(`${p}: `))).toBe(true);
    }
  });

  test('the human output lists one problem per line', async () => {
    const r = await cli('validate', 'test/fixtures/bad-configs/many-problems.json');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('✘ test/fixtures/bad-configs/many-problems.json is not a valid platform configuration (4 problems):');
    expect(lines.slice(1).map((l) => l.split(':')[0])).toEqual([
      '  - qualifier',
      '  - accounts.dev.region',
      '  - accounts.int.accountId',
      '  - accounts.prod.network.cidr',
    ]);
  });

  test('a missing file: exit 1 with the reason', async () => {
    const r = await cli('validate', 'no/such/platform.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/no\/such\/platform\.json: cannot read the platform configuration \(ENOENT/);
  });
});

describe('bootstrap', () => {
  const config = PlatformConfig.fromFile(path.join(ROOT, 'samples/platform.json'));
  const expected = PlatformBootstrap.forConfig(config);

  test('prints, per account, the create-policy and the cdk bootstrap command of PlatformBootstrap', async () => {
    const r = await cli('bootstrap', 'samples/platform.json');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('aws iam create-policy '))).toEqual(expected.map((b) => b.createPolicyCommand));
    expect(lines.filter((l) => l.startsWith('npx cdk bootstrap '))).toEqual(expected.map((b) => b.bootstrapCommand));
  });

  test('--out-dir writes the six policy documents and an executable bootstrap.sh that finds them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-bootstrap-'));
    try {
      const r = await cli('bootstrap', 'samples/platform.json', '--out-dir', dir, '--json');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.accounts.map((a: any) => a.account)).toEqual(['data', 'exp', 'res', 'dev', 'int', 'prod']);
      expect(fs.readdirSync(dir).sort()).toEqual([...expected.map((b) => b.executionPolicyFile), 'bootstrap.sh'].sort());
      for (const b of expected) {
        expect(JSON.parse(fs.readFileSync(path.join(dir, b.executionPolicyFile), 'utf-8'))).toEqual(b.executionPolicyDocument);
      }
      const script = path.join(dir, 'bootstrap.sh');
      expect(fs.statSync(script).mode.toString(8).slice(-3)).toBe('755');
      const text = fs.readFileSync(script, 'utf-8');
      expect(text).toMatch(/^#!\/usr\/bin\/env bash\n/);
      expect(text).toContain('set -euo pipefail\ncd "$(dirname "$0")"');
      for (const b of expected) expect(text).toContain(`${b.createPolicyCommand}\n${b.bootstrapCommand}\n`);
      execFileSync('bash', ['-n', script]); // syntax check
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an invalid configuration: exit 1, pointing at validate', async () => {
    const r = await cli('bootstrap', 'test/fixtures/bad-configs/many-problems.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(run "mlops-blueprint validate test/fixtures/bad-configs/many-problems.json" for the list of problems)');
  });
});

test('progress lines', () => {
  expect(progressLine({ kind: 'retry', operation: 'ListModelPackages', target: 'model package group "g"', attempt: 2, maxAttempts: 5, delayMs: 350, statusCode: 429, errorCode: 'ThrottlingException' })).toBe(
    '… ListModelPackages for model package group "g": HTTP 429 ThrottlingException on attempt 2/5, retrying in 350 ms',
  );
  expect(progressLine({ kind: 'page', operation: 'ListModelPackages', target: 'model package group "g"', page: 2, itemsSoFar: 200, more: true })).toBe(
    '… ListModelPackages for model package group "g": page 2, 200 versions so far, more to come',
  );
});
