// A custom grader: any module exporting grade(ctx) → boolean | { pass, score?, reason? }.
// ctx has caseId, persona, input, output, expected, toolCalls, context, transcript, trial.
export function grade(ctx) {
  const apologises = /\b(sorry|apologi[sz]e)\b/i.test(ctx.output);
  return { pass: !apologises, score: apologises ? 0 : 1, reason: apologises ? 'apologised instead of answering' : undefined };
}
