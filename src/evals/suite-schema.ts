/**
 * The eval suite schema (zod 4): one source of truth for suite YAML files and `defineSuite()`.
 *
 * A suite has cases (input, context documents, expected answer and tool calls), personas that
 * rewrite the input and drive a simulated user, an agent under test, graders, and gate settings.
 */
import { z } from 'zod';
import type { GradeFunction } from './graders/types.js';

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'expected an id: letters, digits, ".", "_", ":" or "-", at most 128 characters');

/** An expected tool call: the name, and optionally arguments the call must contain. */
export const ExpectedToolCallSchema = z
  .object({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()).optional() })
  .strict();

const graderBase = { name: z.string().optional().describe('label in reports (defaults to the type)') };

/** A grader: how one trial's output is judged. */
export const GraderSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('exact'), value: z.string(), ignore_case: z.boolean().default(false), ...graderBase }).strict(),
  z
    .object({ type: z.literal('contains'), value: z.union([z.string(), z.array(z.string()).min(1)]), ignore_case: z.boolean().default(true), ...graderBase })
    .strict(),
  z.object({ type: z.literal('not_contains'), value: z.union([z.string(), z.array(z.string()).min(1)]), ignore_case: z.boolean().default(true), ...graderBase }).strict(),
  z.object({ type: z.literal('regex'), pattern: z.string().min(1), flags: z.string().regex(/^[dgimsuvy]*$/).default(''), ...graderBase }).strict(),
  z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()), ...graderBase }).strict(),
  z
    .object({
      type: z.literal('tool_calls'),
      calls: z.array(ExpectedToolCallSchema).optional().describe("defaults to the case's expected_tools"),
      ordered: z.boolean().default(false),
      exclusive: z.boolean().default(false).describe('no other tools may be called'),
      ...graderBase,
    })
    .strict(),
  z
    .object({
      type: z.literal('custom'),
      module: z.string().min(1).optional().describe('path of a module exporting grade(ctx), relative to the suite file'),
      export: z.string().default('grade'),
      grade: z.custom<GradeFunction>((v) => typeof v === 'function', 'expected a function').optional(),
      ...graderBase,
    })
    .strict()
    .refine((g) => g.module !== undefined || g.grade !== undefined, 'a custom grader needs a module (or, in TypeScript, a grade function)'),
  z
    .object({
      type: z.literal('judge'),
      rubric: z.string().min(1),
      model: z.string().optional().describe("defaults to the suite's judge.model"),
      threshold: z.number().min(0).max(1).default(0.5),
      ...graderBase,
    })
    .strict(),
]);

/** A built-in persona name. */
export const BUILTIN_PERSONAS = ['neutral', 'novice', 'expert', 'impatient', 'adversarial', 'non_native'] as const;

/** A persona: a built-in by name, or a custom one with its own wrapping and simulated-user style. */
export const PersonaSchema = z.union([
  z.enum(BUILTIN_PERSONAS, { error: `a built-in persona (${BUILTIN_PERSONAS.join(', ')}) or a mapping {id, prefix, suffix, style}` }),
  z
    .object({
      id,
      prefix: z.string().default(''),
      suffix: z.string().default(''),
      style: z.string().default('a typical user').describe('how the simulated user behaves, for its system prompt'),
    })
    .strict(),
]);

/** A scripted tool of a prompt-agent: its definition and the result the suite returns for it. */
export const ScriptedToolSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    description: z.string().default(''),
    parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
    result: z.unknown().describe('what the tool returns (any JSON; strings are sent as-is)'),
  })
  .strict();

/** The agent under test. */
export const AgentSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('prompt'),
      model: z.string().min(1).describe('a daca model or alias'),
      system: z.string().default(''),
      tools: z.array(ScriptedToolSchema).default([]),
      temperature: z.number().min(0).max(2).optional(),
      max_tokens: z.number().int().positive().optional(),
      max_tool_rounds: z.number().int().min(0).max(20).default(4),
      prompt_version: z.string().optional().describe('defaults to a hash of the system prompt and tools'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('http'),
      url: z.url('expected an http(s) URL'),
      headers: z.record(z.string(), z.string()).default({}),
      timeout_ms: z.number().int().positive().default(60_000),
      version: z.string().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('command'),
      command: z.string().min(1).describe('run with /bin/sh -c; gets JSON on stdin, answers JSON on stdout'),
      timeout_ms: z.number().int().positive().default(60_000),
      version: z.string().optional(),
    })
    .strict(),
]);

/** One eval case. */
export const CaseSchema = z
  .object({
    id,
    input: z.string().min(1).describe('the first user message'),
    context: z.array(z.string()).default([]).describe('documents the answer must be grounded in'),
    expected: z.string().optional().describe('the expected answer; adds a contains grader when the case has none'),
    expected_tools: z.array(ExpectedToolCallSchema).default([]),
    goal: z.string().optional().describe('what the simulated user wants (defaults to the input)'),
    turns: z.number().int().min(1).max(20).optional().describe("maximum user turns (overrides the suite's)"),
    graders: z.array(GraderSchema).optional().describe("replaces the suite's default graders"),
    tags: z.array(z.string()).default([]),
  })
  .strict();

/** Gate settings: significance, minimum effect and absolute floors. */
export const GateSettingsSchema = z
  .object({
    alpha: z.number().gt(0).lt(1).default(0.05),
    min_effect: z.number().min(0).max(1).default(0.05).describe('smallest pass-rate drop (absolute) that fails the gate'),
    min_pass_rate: z.number().min(0).max(1).optional(),
    max_hallucination_rate: z.number().min(0).max(1).optional(),
    max_cost_per_task_usd: z.number().nonnegative().optional(),
    max_p95_latency_ms: z.number().nonnegative().optional(),
  })
  .strict();

/** A whole eval suite. */
export const SuiteSchema = z
  .object({
    name: id,
    description: z.string().optional(),
    agent: AgentSchema.optional(),
    personas: z.array(PersonaSchema).default(['neutral']),
    trials: z.number().int().min(1).max(100).default(1).describe('trials per case and persona (k)'),
    turns: z.number().int().min(1).max(20).default(1).describe('maximum user turns; > 1 adds a simulated user'),
    simulator: z.object({ model: z.string().min(1) }).strict().optional().describe('model of the simulated user (defaults to the agent model)'),
    judge: z.object({ model: z.string().min(1) }).strict().optional(),
    graders: z.array(GraderSchema).default([]).describe('graders of every case that declares none'),
    gate: GateSettingsSchema.default(GateSettingsSchema.parse({})),
    cases: z.array(CaseSchema).min(1),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.cases.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['cases', i, 'id'], message: `duplicate case id '${c.id}'` });
      seen.add(c.id);
    });
    const personas = new Set<string>();
    s.personas.forEach((p, i) => {
      const pid = typeof p === 'string' ? p : p.id;
      if (personas.has(pid)) ctx.addIssue({ code: 'custom', path: ['personas', i], message: `duplicate persona '${pid}'` });
      personas.add(pid);
    });
  });

/** A suite as written (input of `defineSuite`). */
export type SuiteInput = z.input<typeof SuiteSchema>;
/** A validated suite with defaults applied. */
export type SuiteSpec = z.output<typeof SuiteSchema>;
/** One validated case. */
export type CaseSpec = z.output<typeof CaseSchema>;
/** One validated grader. */
export type GraderSpec = z.output<typeof GraderSchema>;
/** One validated agent declaration. */
export type AgentSpec = z.output<typeof AgentSchema>;
/** A persona as declared. */
export type PersonaSpec = z.output<typeof PersonaSchema>;
/** Gate settings with defaults. */
export type GateSettings = z.output<typeof GateSettingsSchema>;
/** An expected tool call. */
export type ExpectedToolCall = z.output<typeof ExpectedToolCallSchema>;
/** A scripted tool. */
export type ScriptedTool = z.output<typeof ScriptedToolSchema>;
