/**
 * The seven paper reproductions, runnable in Node and in browsers alike. {@link paperExperiment}
 * binds one to its data; the CLI's `gradwgsl reproduce` and the demo pages drive them through
 * this same interface.
 * @module gradwgsl/experiments
 */
/// <reference types="@webgpu/types" preserve="true" />
export { paperExperiment, PAPERS, type ExperimentData, type PaperName, type PaperTypes, type PaperExperiment, type AnyExperiment } from './papers.js';
export type { Experiment, ExperimentReport, ClaimRow, ProgressEvent, ProgressFn, CellGrid } from './experiment.js';
export type { Verdict } from './verdict.js';
export { experimentRecord, recordJson, type ExperimentRecord, type RunFacts, type Profile, type RunSource, type ShardOrigin } from './record.js';
export { asPartialRecord, cellGridOf, mergeShards, shardKeys, type MergedShards, type PartialRecord, type Shard } from './shards.js';
export { MAX_SEED, applyConfigOverrides, checkConfig, parseConfigJson, type ConfigSchema } from './config-schema.js';
export { CONFIG_SCHEMAS, configSchemaOf } from './config-schemas.js';
export { lineChart, type ChartOptions, type Series } from './plot.js';
export type { DatasetName } from './gce/data.js';
export type { Fp8Config, Fp8Result, LrBudget as Fp8LrBudget } from './fp8/config.js';
export type { AccumulationCell as Fp8AccumulationCell, AccumulationMode as Fp8AccumulationMode } from './fp8/accumulation.js';
export type { SwampingResult as Fp8SwampingResult } from './fp8/swamping.js';
export type { KbfgsConfig, KbfgsResult } from './kbfgs/protocol.js';
export type { MethodKind as KbfgsMethodKind, MethodSetting as KbfgsMethodSetting } from './kbfgs/methods.js';
export type { RunResult as KbfgsRunResult, EpochPoint as KbfgsEpochPoint } from './kbfgs/train.js';
export type { GlyphConfig, GlyphResult, PhaseTimes as GlyphPhaseTimes } from './glyph/config.js';
export type { GceConfig, GceResult, SettingRun as GceSettingRun } from './gce/config.js';
export type { NoiseSetting as GceNoiseSetting, SplitSizes as GceSplitSizes } from './gce/data.js';
export type { GceLoss, TrainConfig as GceTrainConfig, EpochPoint as GceEpochPoint, PruneEvent as GcePruneEvent } from './gce/train.js';
export type { CtldConfig, CtldResult } from './ctld/config.js';
export type { CtldTrainConfig, Method as CtldMethod, MethodRun as CtldMethodRun, EpochPoint as CtldEpochPoint, Phase1Report as CtldPhase1Report } from './ctld/train.js';
export type { NormfreeConfig, NormfreeResult, SignalCurve as NormfreeSignalCurve } from './normfree/config.js';
export type { Variant as NormfreeVariant } from './normfree/model.js';
export type { NormfreeRunResult } from './normfree/train.js';
export type { OverparamConfig, OverparamResult, SweepBudget as OverparamSweepBudget, SweepPoint as OverparamSweepPoint } from './overparam/config.js';
export type { RunRecord as OverparamRunRecord, LayerMovement as OverparamLayerMovement } from './overparam/records.js';
// The fp8 paper's MNIST network and optimizer on their own, for training it step by step (the
// MNIST demo page does, beside FP32).
export { DEFAULT_CONFIG as FP8_DEFAULT_CONFIG } from './fp8/config.js';
export {
  buildMnist as buildFp8Mnist, precisionCounters as fp8PrecisionCounters, VARIANT_LABELS as FP8_VARIANT_LABELS,
  type MnistRun as Fp8MnistRun, type MnistRunResult as Fp8MnistRunResult, type MnistSetup as Fp8MnistSetup, type MnistVariant as Fp8MnistVariant,
} from './fp8/mnist.js';
