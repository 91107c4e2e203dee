#!/usr/bin/env python3
"""Reduces the templates the Jest suite synthesized to the resources cfn-lint has not seen yet.

The suite synthesizes many variants of the same stacks (one prop changed at a time), so most resources
occur, byte for byte, in dozens of templates: of 5,875 resources in 187 templates, 1,689 are distinct.
cfn-lint's cost grows with the resources it checks, so linting every template in full spends most of
its time on resources it has already checked.

Each template is written again with only:
- the resources not seen before (same properties after dropping `Metadata` and asset hashes, and the same
  types behind every `Ref`, `Fn::GetAtt`, `Fn::Sub` reference and `DependsOn`);
- every resource a kept resource refers to, transitively, so that references, types and dependency cycles
  are checked in the template's own context;
- the outputs whose references are all still in the template;
- the Parameters, Mappings, Conditions and Rules sections unchanged.

A template whose resources were all seen before is not written; each written file keeps the name of the
template it comes from. Usage: cfn-lint-reduce.py SRC_DIR OUT_DIR (prints a one-line summary).
"""
import glob
import hashlib
import json
import os
import re
import sys

ASSET_HASH = re.compile(r'[0-9a-f]{64}')
SUB_REF = re.compile(r'\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}')


def normalise(value):
    """The value without `Metadata` keys and with asset hashes replaced (they differ between variants)."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k != 'Metadata'}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        return ASSET_HASH.sub('H', value)
    return value


def references(value, out):
    """Collects the logical ids a value refers to (Ref, Fn::GetAtt, Fn::Sub)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == 'Ref' and isinstance(v, str):
                out.add(v)
            elif k == 'Fn::GetAtt':
                target = v[0] if isinstance(v, list) and v else v.split('.')[0] if isinstance(v, str) else None
                if isinstance(target, str):
                    out.add(target)
            elif k == 'Fn::Sub':
                text = v[0] if isinstance(v, list) and v else v
                if isinstance(text, str):
                    out.update(SUB_REF.findall(text))
                references(v, out)
            else:
                references(v, out)
    elif isinstance(value, list):
        for v in value:
            references(v, out)
    return out


def resource_refs(resource):
    refs = references(resource, set())
    depends = resource.get('DependsOn', [])
    refs.update([depends] if isinstance(depends, str) else depends)
    return refs


def reduce_template(template, seen):
    """The reduced template, or None when every resource of it was seen before. Updates `seen`."""
    resources = template.get('Resources') or {}
    kept = set()
    for logical_id, resource in resources.items():
        refs = resource_refs(resource)
        ref_types = sorted((r, resources[r].get('Type')) for r in refs if r in resources)
        key = hashlib.sha256(json.dumps([normalise(resource), ref_types], sort_keys=True).encode()).hexdigest()
        if key not in seen:
            seen.add(key)
            kept.add(logical_id)
    if not kept:
        return None
    queue = list(kept)
    while queue:
        for ref in resource_refs(resources[queue.pop()]):
            if ref in resources and ref not in kept:
                kept.add(ref)
                queue.append(ref)
    reduced = {k: v for k, v in template.items() if k not in ('Resources', 'Outputs')}
    reduced['Resources'] = {k: v for k, v in resources.items() if k in kept}
    names = set(kept) | set((template.get('Parameters') or {}).keys())
    outputs = {k: v for k, v in (template.get('Outputs') or {}).items()
               if all(r in names or r.startswith('AWS::') for r in references(v, set()))}
    if outputs:
        reduced['Outputs'] = outputs
    return reduced


def main(src, out):
    os.makedirs(out, exist_ok=True)
    seen = set()
    files = sorted(glob.glob(os.path.join(src, '*.template.json')))
    written = total = kept_total = 0
    for path in files:
        with open(path, encoding='utf-8') as f:
            template = json.load(f)
        total += len(template.get('Resources') or {})
        reduced = reduce_template(template, seen)
        if reduced is None:
            continue
        kept_total += len(reduced['Resources'])
        written += 1
        with open(os.path.join(out, os.path.basename(path)), 'w', encoding='utf-8') as f:
            json.dump(reduced, f, indent=1)
    print(f'cfn-lint-reduce: {len(files)} templates with {total} resources -> {written} templates with {kept_total} resources '
          f'({len(seen)} distinct resources, the rest their references)')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: cfn-lint-reduce.py SRC_DIR OUT_DIR')
    main(sys.argv[1], sys.argv[2])
