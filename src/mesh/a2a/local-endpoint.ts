/**
 * The JSON-RPC endpoint of one local agent, on @a2a-js/sdk's framework-agnostic pieces: a
 * `DefaultRequestHandler` (tasks, event buses) behind the 1.0 and 0.3 JSON-RPC transport
 * handlers, written straight to Node's response (JSON, or SSE for streaming methods). This is the
 * thin adapter the SDK's express router would otherwise be.
 */
import type { ServerResponse } from 'node:http';
import { A2A_VERSION_HEADER, type AgentCard } from '@a2a-js/sdk';
import { DefaultRequestHandler, JsonRpcTransportHandler, ServerCallContext, validateVersion, type AgentExecutor } from '@a2a-js/sdk/server';
import { A2A_LEGACY_PROTOCOL_VERSION } from '@a2a-js/sdk/compat/v0_3';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import { BoundedTaskStore } from './bounded-task-store.js';
import { HostAgentExecutor, type LocalTurn } from './agent-executor.js';
import type { MeshUser } from './caller-user.js';

type Rpc = { jsonrpc?: string; id?: string | number | null; method?: string };

/**
 * One local agent's A2A JSON-RPC endpoint.
 * @example
 * ```ts
 * const ep = new LocalA2AEndpoint('assistant', card, turns);
 * await ep.handle(body, c.req.header('a2a-version'), user, tenant, outgoing);
 * ```
 */
export class LocalA2AEndpoint {
  readonly handler: DefaultRequestHandler;
  private readonly v1: JsonRpcTransportHandler;
  private readonly v03: LegacyJsonRpcTransportHandler;

  constructor(
    readonly agent: string,
    card: AgentCard,
    /** Runs turns on the AgentHost; or a ready executor (sim agents). */
    turns: LocalTurn | AgentExecutor,
    taskCapacity = 10_000,
  ) {
    const executor = 'execute' in turns ? turns : new HostAgentExecutor(agent, turns);
    this.handler = new DefaultRequestHandler(card, new BoundedTaskStore(taskCapacity), executor);
    this.v1 = new JsonRpcTransportHandler(this.handler);
    this.v03 = new LegacyJsonRpcTransportHandler(this.handler);
  }

  /**
   * Handles one JSON-RPC request and writes the answer. A request without `A2A-Version` (or with
   * 0.3) is a 0.3 peer's and goes through the compat layer.
   */
  async handle(body: Record<string, unknown>, version: string | undefined, user: MeshUser, tenant: string, out: ServerResponse): Promise<void> {
    const legacy = (version || A2A_LEGACY_PROTOCOL_VERSION) === A2A_LEGACY_PROTOCOL_VERSION;
    const mapErr = legacy ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError : JsonRpcTransportHandler.mapToJSONRPCError;
    const rpc = body as Rpc;
    const context = new ServerCallContext({ user, tenant, ...(version ? { requestedVersion: version } : {}) });
    try {
      validateVersion(context.requestedVersion, await this.handler.getAgentCard(), 'JSONRPC');
      const answer = await (legacy ? this.v03.handle(body, context) : this.v1.handle(body, context));
      if (answer && typeof (answer as AsyncGenerator<unknown>)[Symbol.asyncIterator] === 'function') {
        await writeSse(out, answer as AsyncGenerator<unknown>, rpc.id ?? null, mapErr, version);
        return;
      }
      writeJson(out, 200, answer, version);
    } catch (e) {
      const err = mapErr(e);
      writeJson(out, err.code === -32603 ? 500 : 200, { jsonrpc: '2.0', id: rpc.id ?? null, error: err }, version);
    }
  }
}

/** Writes a JSON answer. */
export function writeJson(out: ServerResponse, status: number, body: unknown, version?: string): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (version) headers[A2A_VERSION_HEADER] = version;
  out.writeHead(status, headers);
  out.end(text);
}

async function writeSse(out: ServerResponse, stream: AsyncGenerator<unknown>, id: string | number | null, mapErr: (e: unknown) => unknown, version?: string): Promise<void> {
  const it = stream[Symbol.asyncIterator]();
  let first: IteratorResult<unknown>;
  try {
    first = await it.next();
  } catch (e) {
    writeJson(out, 200, { jsonrpc: '2.0', id, error: mapErr(e) }, version);
    return;
  }
  out.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no', ...(version ? { [A2A_VERSION_HEADER]: version } : {}) });
  out.flushHeaders();
  let gone = false;
  out.once('close', () => {
    gone = true;
    void it.return?.(undefined);
  });
  try {
    if (!first.done) out.write(`data: ${JSON.stringify(first.value)}\n\n`);
    for (let r = await it.next(); !r.done && !gone; r = await it.next()) out.write(`data: ${JSON.stringify(r.value)}\n\n`);
  } catch (e) {
    if (!gone) out.write(`event: error\ndata: ${JSON.stringify({ jsonrpc: '2.0', id, error: mapErr(e) })}\n\n`);
  } finally {
    if (!out.writableEnded) out.end();
  }
}
