/**
 * AWS SageMaker framework images (scikit-learn, XGBoost, PyTorch, ...) as the local runner tells them
 * from the use case's own image, and the Python they run.
 */

/** The Python minor version of a framework image, or undefined when the image is not one it knows. */
export type FrameworkImagePython = (imageUri: string) => string | undefined;

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
