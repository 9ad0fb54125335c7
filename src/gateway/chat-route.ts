/**
 * `POST /v1/chat/completions`: the OpenAI Chat Completions API, streaming and not.
 */
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { DacaError, InternalError } from '../errors.js';
import { parseChatBody, toChatRequest } from './openai-schema.js';
import { readCallBody } from './request-body.js';
import { nodeBindings, SseWriter } from './node-response.js';
import { dacaHeaders, formatCostHeader, meteredFailure, startCall, type DacaVariables, type GatewayRouteDeps } from './start-call.js';
import type { GatewayCall } from './call.js';
import type { StreamingCall } from './gateway.js';

/** Builds the chat completions handler. */
export function chatCompletionsHandler(deps: GatewayRouteDeps) {
  const { gateway } = deps;
  return async (c: Context<{ Variables: DacaVariables }>): Promise<Response> => {
    const { raw, obj, readError } = await readCallBody(c, deps.maxBodyBytes);
    const call = startCall(c, 'chat', {
      model: typeof obj.model === 'string' ? obj.model : '',
      stream: obj.stream === true,
      metadata: obj.metadata,
      user: obj.user,
    }, deps.tracer);
    return meteredFailure(gateway, call, async () => {
      if (readError) throw readError;
      const body = parseChatBody(raw);
      const req = toChatRequest(body);
      if (!call.stream) {
        const { result, meter } = await gateway.chat(call, req);
        const body = { id: result.id, object: 'chat.completion', created: result.created, model: result.model, choices: result.choices, usage: result.usage };
        return c.json(body, 200, dacaHeaders(call, meter.costMicros));
      }
      const includeUsage = body.stream_options?.include_usage === true;
      return streamChat(c, call, await gateway.chatStream(call, req), includeUsage);
    });
  };
}

async function streamChat(c: Context, call: GatewayCall, s: StreamingCall, includeUsage: boolean): Promise<Response> {
  const it = s.chunks[Symbol.asyncIterator]();
  // Pull the first chunk before sending headers: an upstream that fails at once gets a real status.
  const first = await it.next();
  const { outgoing } = nodeBindings(c);
  const sse = new SseWriter(outgoing);
  sse.open(dacaHeaders(call, null), ['x-daca-cost-usd']);
  try {
    let r = first;
    while (!r.done) {
      const chunk = r.value;
      if (includeUsage || chunk.choices.length > 0) {
        const out = { id: chunk.id, object: 'chat.completion.chunk', created: chunk.created, model: chunk.model, choices: chunk.choices, ...(includeUsage && chunk.usage ? { usage: chunk.usage } : {}) };
        if (!(await sse.send(JSON.stringify(out)))) break;
      }
      r = await it.next();
    }
    if (sse.gone) {
      await it.return?.(undefined);
    } else {
      await sse.send('[DONE]');
      const meter = s.meter();
      sse.end(meter ? { 'x-daca-cost-usd': formatCostHeader(meter.costMicros) } : undefined);
    }
  } catch (e) {
    // Headers are gone: report the error in-band, as OpenAI does, then end the stream.
    const err = e instanceof DacaError ? e : new InternalError(String(e));
    await sse.send(JSON.stringify({ error: { message: err.message, type: err.type, code: err.code, param: err.param } }));
    sse.end();
  }
  return RESPONSE_ALREADY_SENT;
}
