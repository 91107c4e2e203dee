"""Reads the lines of catalogue-uris.ts and compares each URI with image_uris.retrieve of the SDK."""
import json
import logging
import sys
import warnings

warnings.filterwarnings('ignore')
logging.disable(logging.CRITICAL)
from sagemaker.core import image_uris  # noqa: E402

checked, mismatches = 0, []
for line in open(sys.argv[1], encoding='utf-8'):
    case = json.loads(line)
    try:
        expected = image_uris.retrieve(**case['sdk'])
    except Exception as e:  # an image the SDK cannot build is a mismatch too
        expected = f'{type(e).__name__}: {e}'
    checked += 1
    if expected != case['uri']:
        mismatches.append((case['sdk'], case['uri'], expected))
for sdk, ours, expected in mismatches[:20]:
    print(f'MISMATCH {sdk}\n  ModelImage: {ours}\n  SDK:        {expected}')
print(f'verify-sdk: {checked} URIs compared, {len(mismatches)} mismatches')
sys.exit(1 if mismatches else 0)
