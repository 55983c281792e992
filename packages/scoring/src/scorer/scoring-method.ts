/** How {@link AdvancedScorer} turns criterion scores into one score. */
export const ScoringMethod = {
  /** Plain mean of the criteria. */
  SIMPLE: 'simple',
  /** Mean weighted by each criterion's weight. */
  WEIGHTED: 'weighted',
  /** 0.7 · weighted mean + 0.3 · median, which damps one criterion running away. */
  ENSEMBLE: 'ensemble',
  /** The injected reward model is a criterion (`reward_model`) beside the others, weighted mean. */
  REWARD_MODEL: 'reward_model',
  /** Results of one task scored against each other: pairwise preferences fitted with Bradley-Terry. */
  COMPARATIVE: 'comparative',
} as const;

/** One of the {@link ScoringMethod} values. */
export type ScoringMethod = (typeof ScoringMethod)[keyof typeof ScoringMethod];
