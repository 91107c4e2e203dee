import { Token } from 'aws-cdk-lib';

/**
 * The machine-learning problem a model-quality monitor evaluates (`ProblemType`).
 */
export enum ModelQualityProblemType {
  /** Two classes; the monitor reports accuracy, precision, recall, F1, AUC, ... */
  BINARY_CLASSIFICATION = 'BinaryClassification',
  /** More than two classes; the monitor reports accuracy and weighted precision, recall, F1, ... */
  MULTICLASS_CLASSIFICATION = 'MulticlassClassification',
  /** A number; the monitor reports MAE, MSE, RMSE and R². */
  REGRESSION = 'Regression',
}

const BINARY = [ModelQualityProblemType.BINARY_CLASSIFICATION];
const CLASSIFICATION = [ModelQualityProblemType.BINARY_CLASSIFICATION, ModelQualityProblemType.MULTICLASS_CLASSIFICATION];
const MULTICLASS = [ModelQualityProblemType.MULTICLASS_CLASSIFICATION];
const REGRESSION = [ModelQualityProblemType.REGRESSION];
const ALL = [...CLASSIFICATION, ...REGRESSION];

/**
 * A metric that a model-quality monitoring job publishes to CloudWatch (namespace
 * `aws/sagemaker/Endpoints/model-metrics`), with the direction in which it gets worse: an alarm
 * fires when a score falls below its threshold, or when an error rises above it.
 *
 * @example
 * const alarms = [
 *   { metric: ModelQualityMetric.AUC, threshold: 0.8 },
 *   { metric: ModelQualityMetric.of('recall_best_constant_classifier', true), threshold: 0.5 },
 * ];
 */
export class ModelQualityMetric {
  /** Accuracy (classification); lower is worse. */
  public static readonly ACCURACY = new ModelQualityMetric('accuracy', true, CLASSIFICATION, 0, 1);
  /** Precision (binary classification); lower is worse. */
  public static readonly PRECISION = new ModelQualityMetric('precision', true, BINARY, 0, 1);
  /** Recall (binary classification); lower is worse. */
  public static readonly RECALL = new ModelQualityMetric('recall', true, BINARY, 0, 1);
  /** F1 score (binary classification); lower is worse. */
  public static readonly F1 = new ModelQualityMetric('f1', true, BINARY, 0, 1);
  /** Area under the ROC curve (binary classification); lower is worse. */
  public static readonly AUC = new ModelQualityMetric('auc', true, BINARY, 0, 1);
  /** Area under the precision-recall curve (binary classification); lower is worse. */
  public static readonly AU_PRC = new ModelQualityMetric('au_prc', true, BINARY, 0, 1);
  /** Weighted precision (multiclass classification); lower is worse. */
  public static readonly WEIGHTED_PRECISION = new ModelQualityMetric('weighted_precision', true, MULTICLASS, 0, 1);
  /** Weighted recall (multiclass classification); lower is worse. */
  public static readonly WEIGHTED_RECALL = new ModelQualityMetric('weighted_recall', true, MULTICLASS, 0, 1);
  /** Weighted F1 score (multiclass classification); lower is worse. */
  public static readonly WEIGHTED_F1 = new ModelQualityMetric('weighted_f1', true, MULTICLASS, 0, 1);
  /** Mean absolute error (regression); higher is worse. */
  public static readonly MAE = new ModelQualityMetric('mae', false, REGRESSION, 0, undefined);
  /** Mean squared error (regression); higher is worse. */
  public static readonly MSE = new ModelQualityMetric('mse', false, REGRESSION, 0, undefined);
  /** Root mean squared error (regression); higher is worse. */
  public static readonly RMSE = new ModelQualityMetric('rmse', false, REGRESSION, 0, undefined);
  /** Coefficient of determination R² (regression); lower is worse. */
  public static readonly R2 = new ModelQualityMetric('r2', true, REGRESSION, undefined, 1);

  /**
   * Another metric the model-quality job publishes (see "Model quality metrics" in the SageMaker
   * developer guide), for any problem type.
   * @param metricName the CloudWatch metric name, e.g. `f2`, `true_positive_rate`
   * @param lowerIsWorse true for scores (alarm below the threshold), false for errors (alarm above it)
   */
  public static of(metricName: string, lowerIsWorse: boolean): ModelQualityMetric {
    if (Token.isUnresolved(metricName) || !/^[a-z0-9_]{1,255}$/.test(metricName)) {
      throw new Error(`ModelQualityMetric.of: ${JSON.stringify(metricName)} is not a model-quality metric name; write the literal name the job publishes, e.g. "f2" or "true_positive_rate"`);
    }
    return new ModelQualityMetric(metricName, lowerIsWorse, ALL, undefined, undefined);
  }

  /** The CloudWatch metric name. */
  public readonly metricName: string;
  /** Whether a lower value is worse (a score) rather than a higher one (an error). */
  public readonly lowerIsWorse: boolean;
  /** The problem types for which the job publishes the metric. */
  public readonly problemTypes: ModelQualityProblemType[];
  /** The smallest meaningful threshold, if any. */
  public readonly minimum?: number;
  /** The largest meaningful threshold, if any. */
  public readonly maximum?: number;

  private constructor(
    metricName: string,
    lowerIsWorse: boolean,
    problemTypes: ModelQualityProblemType[],
    minimum: number | undefined,
    maximum: number | undefined,
  ) {
    this.metricName = metricName;
    this.lowerIsWorse = lowerIsWorse;
    this.problemTypes = problemTypes;
    this.minimum = minimum;
    this.maximum = maximum;
  }
}
