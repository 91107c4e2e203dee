/**
 * The ML sample that `mlops-usecase` writes into `ml/` (once, then the code is yours): the scripts of
 * the model-build pipeline's jobs and of the endpoint, their tests, `requirements.txt` and the
 * `Dockerfile` of the use case's image. Every sample predicts the maintenance of welding guns from
 * the same synthetic data with the same contract (paths, hyperparameter names, `model.joblib`,
 * `evaluation.json`); they differ in the estimator and its requirements.
 */
export enum UseCaseSample {
  /** scikit-learn's `HistGradientBoostingClassifier`. */
  SKLEARN = 'sklearn',
  /** XGBoost's `XGBClassifier`, from the CPU-only wheel `xgboost-cpu`. */
  XGBOOST = 'xgboost',
}
