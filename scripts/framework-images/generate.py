#!/usr/bin/env python3
"""Writes src/constructs/training/framework-images.generated.ts from the SageMaker Python SDK's
image_uri_config/*.json (sagemaker-core, the version pinned in requirements-golden.txt).

Python standard library only. Usage (scripts/framework-images/generate.sh downloads the wheel):

    generate.py --wheel <sagemaker_core-*.whl> --regions src/blueprint/config/regions.ts --out <file.ts>

What it keeps, per framework (sklearn, xgboost, pytorch, tensorflow, huggingface) and scope
(training, inference; the SDK's other scopes, graviton, eia, neuron, are left out):

- the versions and the SDK's version aliases (an alias of a dropped version is dropped);
- per version: repository, the processors cpu/gpu that the SDK can build a tag for (scope-level
  processors take precedence over the version's, as in image_uris.retrieve; with a container_version
  map only the processors it names), the container_version per processor, the Python versions;
- Python: the SDK's py tokens; `py2` and, for the Deep Learning Containers (pytorch, tensorflow,
  huggingface), a bare `py3` are dropped, and a version left without any Python is dropped; a `py3`
  of scikit-learn or XGBoost, or a version without py_versions, gets its minor from PYTHON_MINOR
  below, if sourced, else none (unknown);
- huggingface: the PyTorch-based images only, the newest PyTorch base of each transformers version;
- the registry account of every region listed in AWS_REGIONS of regions.ts (deduplicated maps).

The generator fails on keys of a version config it does not know, so that a newer SDK pin cannot
silently produce tags that image_uris.retrieve would build differently.
"""
import argparse
import json
import re
import sys
import zipfile

FRAMEWORKS = ['sklearn', 'xgboost', 'pytorch', 'tensorflow', 'huggingface']
SCOPES = ['training', 'inference']
PROCESSORS = ['cpu', 'gpu']
DLC = {'pytorch', 'tensorflow', 'huggingface'}
KNOWN_KEYS = {'registries', 'repository', 'py_versions', 'processors', 'container_version'}

# The Python minor of the scikit-learn and XGBoost images whose py token is only `py3` (or absent):
# `ARG PYTHON_VERSION` (or `conda install python=`) of docker/<version>/base/Dockerfile.cpu of the
# image's source repository, at the last commit that changed that file.
PYTHON_MINOR = {
    # https://github.com/aws/sagemaker-scikit-learn-container
    ('sklearn', '0.23-1'): '3.7',       # c58ee86a0eb47681360c43c8853e9f2959e63598: PYTHON_VERSION=3.7.10
    ('sklearn', '1.0-1'): '3.8',        # 838ffd2a9c90858898c91da5d0e393fc79f80ab7: PYTHON_VERSION=3.8.13
    ('sklearn', '1.2-1'): '3.9',        # 042a1c5daca77de243b5afd259633fb0e28b684a: PYTHON_VERSION=3.9
    ('sklearn', '1.4-2'): '3.10',       # 1481b7dfc78aa83f8693111e1d0ee18a934b6d6c: PYTHON_VERSION=3.10
    ('sklearn', '1.4-2-py312'): '3.12', # 143acd8a1752176d921a3b6533c3ba5325250e31: PYTHON_VERSION=3.12
    # https://github.com/aws/sagemaker-xgboost-container
    ('xgboost', '0.90-2'): '3.6',       # e0d1f6bbcf5aceacbb454a71613e7eea802214b6: conda install python=3.6
    ('xgboost', '1.0-1'): '3.6',        # 9b312bb61728411dc5aef912df2ce0a9f927e536: conda install python=3.6
    ('xgboost', '1.2-1'): '3.7',        # 152c87bcd795ac6cdc9daa0a026a733b93d0fe3c: PYTHON_VERSION=3.7.10
    ('xgboost', '1.2-2'): '3.7',        # 705f82ed5784b4a7fa499fc5f3f116e362b495c9: PYTHON_VERSION=3.7.10
    ('xgboost', '1.3-1'): '3.7',        # 5ce9ee1aab167c4f16413168b85a455d8c8982dc: PYTHON_VERSION=3.7.10
    ('xgboost', '1.5-1'): '3.8',        # 84efce526c837de4adce0ea4435e676e097efa50: PYTHON_VERSION=3.8.13
    ('xgboost', '1.7-1'): '3.9',        # f7a93a21e50e44b4077f0889a7f676cad8c226f3: PYTHON_VERSION=3.9
    ('xgboost', '3.0-5'): '3.10',       # 5dda2fb2a5b883cd3491bffb14b8c18075561f52: PYTHON_VERSION=3.10
}


def fail(message):
    sys.exit('generate.py: ' + message)


def read_regions(path):
    text = open(path, encoding='utf-8').read()
    block = re.search(r'AWS_REGIONS[^=]*=\s*\[(.*?)\]', text, re.S)
    if not block:
        fail(f'no AWS_REGIONS list in {path}')
    return re.findall(r"'([a-z0-9-]+)'", block.group(1))


def minor_of(framework, version, token):
    """The Python minor of an SDK py token: py312 -> 3.12; py3/None -> the sourced table or ''."""
    if token:
        m = re.fullmatch(r'py3(\d+)', token)
        if m:
            return '3.' + m.group(1)
    return PYTHON_MINOR.get((framework, version), '')


def version_sort_key(v):
    return [int(p) if p.isdigit() else p for p in re.split(r'[.-]', v)]


def convert_version(framework, scope_config, version, vc, registries, regions):
    """One version config -> the generated entry, or None when it is dropped."""
    unknown = set(vc) - KNOWN_KEYS
    if unknown:
        fail(f'{framework} {version}: unknown keys {sorted(unknown)}; teach the generator (and the TS) about them')
    tokens = vc.get('py_versions')
    if tokens is None:
        py = {'': minor_of(framework, version, None)}
    else:
        py = {}
        for t in tokens:
            if t == 'py2' or (t == 'py3' and framework in DLC):
                continue
            py[t] = minor_of(framework, version, t)
        if not py:
            return None
    available = scope_config.get('processors') or vc.get('processors') or []
    container = vc.get('container_version') or {}
    processors = {}
    for p in PROCESSORS:
        if p in available and (not container or p in container):
            processors[p] = container.get(p, '')
    if available and not processors:
        return None
    regs = {r: vc['registries'][r] for r in regions if r in vc['registries']}
    key = json.dumps(regs, sort_keys=True)
    if key not in registries:
        registries[key] = len(registries)
    return {'repository': vc['repository'], 'registries': registries[key], 'processors': processors, 'python': py}


def convert(wheel, regions):
    registries = {}
    catalogue = {}
    with zipfile.ZipFile(wheel) as z:
        for framework in FRAMEWORKS:
            config = json.loads(z.read(f'sagemaker/core/image_uri_config/{framework}.json'))
            catalogue[framework] = {}
            for scope in SCOPES:
                sc = config[scope]
                versions = {}
                for version, vc in sc['versions'].items():
                    if framework == 'huggingface':
                        bases = sorted((b for b in vc if b.startswith('pytorch')), key=lambda b: version_sort_key(b[7:]))
                        if not bases:
                            continue
                        base = bases[-1]
                        entry = convert_version(framework, sc, version, vc[base], registries, regions)
                        if entry:
                            entry['base'] = base[len('pytorch'):]
                    elif 'repository' not in vc or vc['repository'] == framework:
                        continue  # per-py-version configs of legacy versions; the xgboost `1` algorithm image
                    else:
                        entry = convert_version(framework, sc, version, vc, registries, regions)
                    if entry:
                        versions[version] = entry
                aliases = {a: v for a, v in sorted(sc.get('version_aliases', {}).items()) if v in versions}
                catalogue[framework][scope] = {'aliases': aliases, 'versions': versions}
    return [json.loads(k) for k in registries], catalogue


def ts(value):
    """A flat string map as a TypeScript object literal on one line."""
    if not value:
        return '{}'
    return '{ ' + ', '.join(f"'{k}': '{v}'" for k, v in value.items()) + ' }'


def render(sdk, regions_path, registries, catalogue):
    out = [
        f'// generated by scripts/framework-images/generate.py from the SageMaker Python SDK',
        f'// (sagemaker-core=={sdk}, sagemaker/core/image_uri_config/*.json), do not edit.',
        '// Regenerate: scripts/framework-images/generate.sh; check: scripts/framework-images/check.sh',
        '',
        '/**',
        ' * One image version: `r` repository, `a` index into FRAMEWORK_IMAGE_REGISTRIES, `p` processor ->',
        ' * container_version (\'\' when the tag has none; no processors: one image, no processor in the tag),',
        ' * `y` SDK py token (\'\' when the tag has none) -> Python minor (\'\' when unknown), `b` the PyTorch',
        ' * version of a Hugging Face image.',
        ' * @internal',
        ' */',
        'export interface FrameworkImageVersionData {',
        '  readonly r: string;',
        '  readonly a: number;',
        '  readonly p: { readonly [processor: string]: string };',
        '  readonly y: { readonly [pyToken: string]: string };',
        '  readonly b?: string;',
        '}',
        '',
        '/** @internal */',
        'export interface FrameworkImageScopeData {',
        '  readonly aliases: { readonly [alias: string]: string };',
        '  readonly versions: { readonly [version: string]: FrameworkImageVersionData };',
        '}',
        '',
        f'/** The SDK version the tables come from. @internal */',
        f"export const FRAMEWORK_IMAGES_SDK = 'sagemaker-core=={sdk}';",
        '',
        f'/** Registry account per region (regions of {regions_path}). @internal */',
        'export const FRAMEWORK_IMAGE_REGISTRIES: ReadonlyArray<{ readonly [region: string]: string }> = [',
    ]
    for r in registries:
        out.append('  {')
        out.extend(f"    '{region}': '{account}'," for region, account in r.items())
        out.append('  },')
    out.append('];')
    out.append('')
    out.append('/** framework -> scope -> versions. @internal */')
    out.append('export const FRAMEWORK_IMAGES: { readonly [framework: string]: { readonly [scope: string]: FrameworkImageScopeData } } = {')
    for framework, scopes in catalogue.items():
        out.append(f'  {framework}: {{')
        for scope, data in scopes.items():
            out.append(f'    {scope}: {{')
            out.append(f"      aliases: {ts(data['aliases'])},")
            out.append('      versions: {')
            for version, e in data['versions'].items():
                fields = [f"r: '{e['repository']}'", f"a: {e['registries']}", f"p: {ts(e['processors'])}", f"y: {ts(e['python'])}"]
                if 'base' in e:
                    fields.append(f"b: '{e['base']}'")
                out.append(f"        '{version}': {{ {', '.join(fields)} }},")
            out.append('      },')
            out.append('    },')
        out.append('  },')
    out.append('};')
    return '\n'.join(out) + '\n'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--wheel', required=True)
    parser.add_argument('--sdk-version', required=True)
    parser.add_argument('--regions', required=True)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    regions = read_regions(args.regions)
    registries, catalogue = convert(args.wheel, regions)
    with open(args.out, 'w', encoding='utf-8') as f:
        f.write(render(args.sdk_version, args.regions, registries, catalogue))


if __name__ == '__main__':
    main()
