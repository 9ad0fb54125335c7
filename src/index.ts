/**
 * The daca package's public surface (named re-exports only).
 */
export { defineAgent, messageText, textMessage } from './runtime/define-agent.js';
export type { AgentContext, AgentDefinition, AgentHandler, DefineAgentInput, HandlerResult, ModelChatRequest, ModelChatResult } from './runtime/define-agent.js';
export { defineWorkflow } from './runtime/define-workflow.js';
export type { StepOptions, WorkflowContext, WorkflowDefinition } from './runtime/define-workflow.js';
export type { HumanDecision } from './runtime/approval-bridge.js';
export { AgentRuntime } from './runtime/agent-runtime.js';
export type { RuntimeOptions } from './runtime/agent-runtime.js';
export type { AgentHost, MeshCaller } from './runtime/agent-host.js';
export { startAgentProcess, A2aMeshCaller } from './runtime/remote-agents.js';
export type { AgentProcessOptions } from './runtime/remote-agents.js';
export { joinMesh } from './runtime/join-mesh.js';
export type { JoinMeshOptions, JoinedMesh } from './runtime/join-mesh.js';
export { GatewayModelClient, HttpModelClient } from './runtime/model-client.js';
export type { AgentIdentity, AgentModelClient } from './runtime/model-client.js';
export { parseRestateUrl } from './runtime/restate-urls.js';
export type { RestateUrls } from './runtime/restate-urls.js';
export type {
  AgentEvent, AgentMessage, AgentReply, AgentReplyState, AgentSkillInfo, AgentUsage, DataPart, HostedAgent, InvokeOptions, JsonValue, MessagePart, TextPart,
} from './runtime/types.js';
