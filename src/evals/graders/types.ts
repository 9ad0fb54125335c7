/**
 * The Grader interface: judges one trial's final output (and tool calls) and returns a verdict.
 */

/** A tool call the agent made during a trial. */
export interface RecordedToolCall {
  name: string;
  /** Parsed arguments (an empty object when they were not valid JSON). */
  arguments: Record<string, unknown>;
}

/** One message of a trial's conversation, as graders see it. */
export interface TranscriptMessage {
  role: 'user' | 'assistant' | 'tool';
  content: string;
}

/** What a grader sees of one trial. */
export interface GradeContext {
  caseId: string;
  persona: string;
  /** The case's original input (before the persona rewrote it). */
  input: string;
  /** The agent's final answer. */
  output: string;
  /** The case's expected answer, when it has one. */
  expected: string | undefined;
  /** Every tool call of the trial, in order. */
  toolCalls: readonly RecordedToolCall[];
  /** The case's context documents. */
  context: readonly string[];
  /** The whole conversation. */
  transcript: readonly TranscriptMessage[];
  /** 0-based trial index. */
  trial: number;
}

/** A grader's verdict. `score` is in [0, 1] (1 or 0 for pass/fail graders). */
export interface GradeResult {
  pass: boolean;
  score?: number;
  reason?: string;
  /** What grading cost (LLM-as-judge calls), micro-dollars; not part of the task's cost. */
  costMicros?: number;
}

/** A custom grade function: what a custom grader module exports as `grade`. */
export type GradeFunction = (ctx: GradeContext) => GradeResult | boolean | Promise<GradeResult | boolean>;

/** A compiled grader. */
export interface Grader {
  /** Label in reports. */
  readonly name: string;
  /** The grader type (`contains`, `judge`, …). */
  readonly kind: string;
  grade(ctx: GradeContext): GradeResult | Promise<GradeResult>;
}

/** A grader's verdict as stored with the trial. */
export interface StoredGrade extends GradeResult {
  name: string;
  kind: string;
}
