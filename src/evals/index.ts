/**
 * daca evals: suites, agents under test, graders, runner, statistics, comparison, gating, reports.
 * Named re-exports only.
 */
export { defineSuite } from './define-suite.js';
export { loadSuiteFile, parseSuiteText } from './suite-loader.js';
export type { Suite } from './suite.js';
export type { SuiteInput, SuiteSpec, CaseSpec, GraderSpec, AgentSpec, PersonaSpec, GateSettings } from './suite-schema.js';
export { compilePersona, BUILTIN_PERSONA_IDS, type Persona } from './personas.js';
export { ChatClient, type ChatClientOptions, type ChatCallResult } from './chat-client.js';
export { promptAgent, promptVersionOf, type PromptAgentOptions } from './agents/prompt-agent.js';
export { httpAgent, type HttpAgentOptions } from './agents/http-agent.js';
export { commandAgent, type CommandAgentOptions } from './agents/command-agent.js';
export type { AgentUnderTest, AgentTurn, AgentReply } from './agents/types.js';
export { compileGraders, type GraderDeps } from './graders/compile.js';
export type { Grader, GradeContext, GradeResult, GradeFunction } from './graders/types.js';
export { checkClaims, indexSupport, type ClaimCheck } from './hallucination.js';
export { modelSimulatedUser, type SimulatedUser } from './simulated-user.js';
export { runSuite, trialSeed, type RunSuiteOptions, type SuiteRun } from './runner.js';
export { evaluate, type EvaluateOptions } from './evaluate.js';
export type { RunMeta, RunResults, TrialResult } from './results.js';
export { computeMetrics, metricsBy, type Metrics } from './metrics.js';
export { JsonlRunStore } from './sinks/jsonl-sink.js';
export { MemoryRunStore } from './sinks/memory-sink.js';
export { StoreRunRepo } from './sinks/store-sink.js';
export type { ResultSink, RunSource } from './sinks/types.js';
export { terminalProgress, silentProgress, type ProgressReporter } from './progress.js';
export { passAtK, passHatK } from './stats/pass-at-k.js';
export { mcnemarExact, type McNemarResult } from './stats/mcnemar.js';
export { pairedBootstrap, type Interval } from './stats/bootstrap.js';
export { minimumDetectableEffect } from './stats/mde.js';
export { compareRuns, type Comparison } from './compare.js';
export { decideGate, type GateDecision, type GatePolicy } from './gate.js';
export { gateSuite, type GateOutcome } from './gate-run.js';
export { summarizeRun, type RunSummary } from './reports/summary.js';
export { renderRunTable, renderComparisonTable } from './reports/table.js';
export { renderJunit } from './reports/junit.js';
export { renderHtmlReport } from './reports/html.js';
