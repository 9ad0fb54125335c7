/**
 * `POST /v1/embeddings`: the OpenAI Embeddings API.
 */
import type { Context } from 'hono';
import { parseEmbeddingBody } from './openai-schema.js';
import { readCallBody } from './request-body.js';
import { dacaHeaders, meteredFailure, startCall, type DacaVariables, type GatewayRouteDeps } from './start-call.js';

/** Builds the embeddings handler. */
export function embeddingsHandler(deps: GatewayRouteDeps) {
  const { gateway } = deps;
  return async (c: Context<{ Variables: DacaVariables }>): Promise<Response> => {
    const { raw, obj, readError } = await readCallBody(c, deps.maxBodyBytes);
    const call = startCall(c, 'embeddings', { model: typeof obj.model === 'string' ? obj.model : '', stream: false, metadata: obj.metadata, user: obj.user }, deps.tracer);
    return meteredFailure(gateway, call, async () => {
      if (readError) throw readError;
      const body = parseEmbeddingBody(raw);
      const { result, meter } = await gateway.embed(call, {
        model: body.model,
        input: body.input,
        ...(body.dimensions ? { dimensions: body.dimensions } : {}),
      });
      const data = result.data.map((d) =>
        body.encoding_format === 'base64'
          ? { object: 'embedding', index: d.index, embedding: Buffer.from(new Float32Array(d.embedding).buffer).toString('base64') }
          : { object: 'embedding', index: d.index, embedding: d.embedding },
      );
      return c.json(
        { object: 'list', data, model: call.requestedModel, usage: { prompt_tokens: meter.usage.prompt_tokens, total_tokens: meter.usage.total_tokens } },
        200,
        dacaHeaders(call, meter.costMicros),
      );
    });
  };
}
