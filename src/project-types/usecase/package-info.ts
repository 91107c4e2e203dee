import * as fs from 'fs';
import * as path from 'path';

/**
 * The root of this package (where package.json, templates/ and bin/ are), the same from `lib/` and
 * from `src/` (both are three levels below it: `<root>/lib/project-types/usecase`).
 * @internal
 */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The use-case templates. @internal */
export const USECASE_TEMPLATES = path.join(PACKAGE_ROOT, 'templates', 'usecase');

/**
 * The files of the ML code (`ml/`) of a sample (a `UseCaseSample` value): those of
 * `templates/usecase/ml`, each replaced or joined by its namesake in `templates/usecase-<sample>/ml`
 * when that folder exists (the scikit-learn sample has none).
 * @internal
 */
export function mlSampleFiles(sample: string): Record<string, string> {
  const overlay = path.join(PACKAGE_ROOT, 'templates', `usecase-${sample}`);
  const files = templateFiles('ml');
  if (!fs.existsSync(overlay)) return files;
  return { ...files, ...templateFiles('ml', overlay) };
}

/** The name and version of this package. @internal */
export function packageInfo(): { name: string; version: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf-8'));
  return { name: pkg.name, version: pkg.version };
}

/** Folders and files never copied from a template: virtual environments, caches, byte code. */
const NOT_TEMPLATE = new Set(['.venv', 'venv', '__pycache__', '.pytest_cache', '.ruff_cache', '.mypy_cache', 'node_modules', '.local']);

/**
 * Every file of a template folder (of `templates/usecase`, or of another templates folder), relative
 * path (POSIX) to contents, sorted; without virtual environments, caches and `*.pyc`.
 * @internal
 */
export function templateFiles(folder: string, templates: string = USECASE_TEMPLATES): Record<string, string> {
  const root = path.join(templates, folder);
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (NOT_TEMPLATE.has(entry.name) || entry.name.endsWith('.pyc')) continue;
      const full = path.join(dir, entry.name);
      const relative = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(full, relative);
      else if (entry.isFile()) out[relative] = fs.readFileSync(full, 'utf-8');
    }
  };
  walk(root, '');
  return out;
}

/**
 * A template file, with `{{name}}` replaced by `values[name]` (an unknown name fails: templates and
 * code must agree).
 * @internal
 */
export function templateFile(file: string, values: Record<string, string> = {}): string {
  const text = fs.readFileSync(path.join(USECASE_TEMPLATES, file), 'utf-8');
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`templates/usecase/${file}: no value for {{${name}}}`);
    return values[name];
  });
}
