// Checks of scripts/e2e-registry.sh: that what npm sees and installs is the library this build packed,
// served by the local registry, and nothing else.
//
//   node test/registry/checks.mjs integrity <file>                    sha512 SRI of a file (as npm writes it)
//   npm view <pkg> --json | node checks.mjs view <registry> <tgz>     the registry serves our tarball
//   node test/registry/checks.mjs lock <dir> <registry> <tgz>         the lock file installed it from there
//   node test/registry/checks.mjs require <dir>                       the installed library loads
//   node test/registry/checks.mjs project <dir>                       package.json of the generated project
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const PACKAGE = '@vw/mlops-blueprint';

function integrityOf(file) {
  return 'sha512-' + createHash('sha512').update(readFileSync(file)).digest('base64');
}

function fail(problems) {
  for (const p of problems) console.error(`error: ${p}`);
  process.exit(1);
}

function readStdin() {
  return readFileSync(0, 'utf8');
}

const [command, ...args] = process.argv.slice(2);
switch (command) {
  case 'integrity': {
    console.log(integrityOf(args[0]));
    break;
  }
  case 'view': {
    const [registry, tgz] = args;
    const v = JSON.parse(readStdin());
    const expected = integrityOf(tgz);
    const problems = [];
    if (v.name !== PACKAGE) problems.push(`the registry serves ${v.name}, not ${PACKAGE}`);
    if (v['dist-tags']?.latest !== v.version) problems.push(`dist-tag latest is ${v['dist-tags']?.latest}, not ${v.version}`);
    if (!String(v.dist?.tarball).startsWith(`${registry}/`)) problems.push(`the tarball ${v.dist?.tarball} is not served by ${registry}`);
    if (v.dist?.integrity !== expected) problems.push(`served integrity ${v.dist?.integrity} differs from the packed tarball (${expected})`);
    if (!v.peerDependencies?.projen) problems.push('projen is not a peer dependency');
    if (problems.length) fail(problems);
    console.log(`${v.name}@${v.version} (latest=${v['dist-tags']?.latest}) tarball=${v.dist?.tarball}`);
    console.log(`integrity ${v.dist?.integrity} = packed tarball`);
    console.log(`peers: ${Object.entries(v.peerDependencies ?? {}).map(([k, r]) => `${k}@${r}`).join(', ')}`);
    break;
  }
  case 'lock': {
    const [dir, registry, tgz] = args;
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
    const entry = lock.packages?.[`node_modules/${PACKAGE}`];
    if (!entry) fail([`package-lock.json of ${dir} has no node_modules/${PACKAGE}`]);
    const expected = integrityOf(tgz);
    const problems = [];
    if (!String(entry.resolved).startsWith(`${registry}/`)) problems.push(`installed from ${entry.resolved}, not from ${registry}`);
    if (entry.integrity !== expected) problems.push(`installed integrity ${entry.integrity} differs from the packed tarball (${expected})`);
    // every other package must have come through the local registry too (verdaccio proxies npmjs)
    const elsewhere = Object.entries(lock.packages ?? {})
      .filter(([key, e]) => key && e.resolved && !e.link && !String(e.resolved).startsWith(`${registry}/`))
      .map(([key, e]) => `${key} (${e.resolved})`);
    if (elsewhere.length) problems.push(`${elsewhere.length} packages did not come from ${registry}: ${elsewhere.slice(0, 5).join(', ')}`);
    const count = Object.keys(lock.packages ?? {}).filter((k) => k).length;
    if (problems.length) fail(problems);
    console.log(`lock: ${PACKAGE}@${entry.version} from ${entry.resolved}, integrity = packed tarball; ${count} packages, all from ${registry}`);
    break;
  }
  case 'require': {
    const [dir] = args;
    const req = createRequire(join(dir, 'package.json'));
    const lib = req(PACKAGE);
    const exports = Object.keys(lib);
    if (exports.length < 10) fail([`${PACKAGE} loads with only ${exports.length} exports`]);
    console.log(`require('${PACKAGE}') from ${req.resolve(PACKAGE)}: ${exports.length} exports`);
    break;
  }
  case 'project': {
    const [dir] = args;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const where = ['dependencies', 'devDependencies', 'peerDependencies'].filter((k) => pkg[k]?.[PACKAGE]);
    if (where.length === 0) fail([`${PACKAGE} is not in the package.json of ${dir}`]);
    console.log(`package.json ${pkg.name}: ${where.map((k) => `${k}["${PACKAGE}"]=${pkg[k][PACKAGE]}`).join(', ')}`);
    break;
  }
  default:
    fail([`unknown command ${command}; expected integrity, view, lock, require or project`]);
}
