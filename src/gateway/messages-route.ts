/**
 * `POST /v1/messages`: the Anthropic Messages API, streaming and not, over any provider.
 * Requests are translated to the canonical (OpenAI-shaped) call and answers back to Anthropic's
 * shapes and event sequence (see `wire/anthropic/`).
 */
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { DacaError, InternalError } from '../errors.js';
import { AnthropicMessagesRequestSchema } from '../wire/anthropic/request-schema.js';
import { anthropicToChatRequest, chatResultToAnthropicMessage } from '../wire/anthropic/translate.js';
import { AnthropicStreamEncoder } from '../wire/anthropic/stream-encoder.js';
import { anthropicErrorBody, anthropicErrorType } from '../wire/anthropic/errors.js';
import { countChatTokens } from '../metering/tokenizer.js';
import { readCallBody } from './request-body.js';
import { nodeBindings, SseWriter } from './node-response.js';
import { requestSchemaError } from './zod-error.js';
import { dacaHeaders, formatCostHeader, meteredFailure, startCall, type DacaVariables, type GatewayRouteDeps } from './start-call.js';

/** Builds the Anthropic Messages handler. */
export function messagesHandler(deps: GatewayRouteDeps) {
  const { gateway } = deps;
  return async (c: Context<{ Variables: DacaVariables }>): Promise<Response> => {
    const { raw, obj, readError } = await readCallBody(c, deps.maxBodyBytes);
    const call = startCall(c, 'messages', { model: typeof obj.model === 'string' ? obj.model : '', stream: obj.stream === true, metadata: obj.metadata }, deps.tracer);
    return meteredFailure(gateway, call, async () => {
      if (readError) throw readError;
      const parsed = AnthropicMessagesRequestSchema.safeParse(raw);
      if (!parsed.success) throw requestSchemaError(parsed.error, 'messages request');
      const req = anthropicToChatRequest(parsed.data);
      if (!call.stream) {
        const { result, meter } = await gateway.chat(call, req);
        return c.json(chatResultToAnthropicMessage(result, call.requestedModel), 200, dacaHeaders(call, meter.costMicros));
      }
      const s = await gateway.chatStream(call, req);
      const it = s.chunks[Symbol.asyncIterator]();
      const first = await it.next();
      const sse = new SseWriter(nodeBindings(c).outgoing);
      sse.open(dacaHeaders(call, null), ['x-daca-cost-usd']);
      const firstUsage = first.done ? undefined : first.value.usage;
      const enc = new AnthropicStreamEncoder({
        id: `msg_${call.id.slice(4)}`,
        model: call.requestedModel,
        inputTokens: firstUsage?.prompt_tokens ?? countChatTokens(req.messages, req.tools),
      });
      const send = async (events: { event: string; data: object }[]): Promise<boolean> => {
        for (const ev of events) if (!(await sse.send(JSON.stringify(ev.data), ev.event))) return false;
        return true;
      };
      try {
        let ok = await send(enc.start());
        let r = first;
        let usage = firstUsage ?? undefined;
        while (ok && !r.done) {
          if (r.value.usage) usage = r.value.usage;
          ok = await send(enc.push(r.value));
          if (ok) r = await it.next();
        }
        if (!ok || sse.gone) {
          await it.return?.(undefined);
        } else {
          await send(enc.finish(usage ?? undefined));
          const meter = s.meter();
          sse.end(meter ? { 'x-daca-cost-usd': formatCostHeader(meter.costMicros) } : undefined);
        }
      } catch (e) {
        const err = e instanceof DacaError ? e : new InternalError(String(e));
        await sse.send(JSON.stringify(anthropicErrorBody(anthropicErrorType(err.status), err.message)), 'error');
        sse.end();
      }
      return RESPONSE_ALREADY_SENT;
    });
  };
}
