/**
 * AWS SageMaker framework images (scikit-learn, XGBoost, PyTorch, ...) as the local runner tells them
 * from the use case's own image, and the Python they run.
 */

/** The Python minor version of a framework image, or undefined when the image is not one it knows. */
export type FrameworkImagePython = (imageUri: string) => string | undefined;

/** The Python of the scikit-learn framework versions, as the SageMaker Python SDK's `sklearn.json` lists them. */
const SKLEARN_PYTHON: Readonly<Record<string, string>> = { '1.2-1': '3.9' };

/**
 * The default lookup: the scikit-learn framework images only. The framework image catalogue of
 * `src/constructs/training` (`frameworkImagePython`) is passed instead where the CLI is wired.
 */
export function builtInFrameworkImagePython(imageUri: string): string | undefined {
  const m = imageUri.split('@')[0].match(/\/sagemaker-scikit-learn:([^:/]+?)-cpu-py3$/);
  return m ? SKLEARN_PYTHON[m[1]] : undefined;
}

/**
 * Whether an image looks like an AWS framework image: in an ECR registry, a repository named as AWS
 * names them (`sagemaker-*`, `pytorch-*`, `tensorflow-*`, `huggingface-*`, ...) or a tag that names
 * the Python (`-py3`, `-py310`).
 */
export function looksLikeFrameworkImage(imageUri: string): boolean {
  const m = imageUri.match(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([^@]+))?/);
  if (!m) return false;
  const repo = m[1].split('/').pop()!;
  return /^(sagemaker-|pytorch-|tensorflow-|mxnet-|huggingface-|autogluon-|djl-)/.test(repo) || /(^|-)py\d+(-|$)/.test(m[2] ?? '');
}
