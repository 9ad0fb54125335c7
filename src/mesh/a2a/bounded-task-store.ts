/**
 * A2A tasks kept in memory per tenant, at most `capacity` of them (oldest dropped first), so a
 * long-running node does not grow without bound the way the SDK's InMemoryTaskStore would.
 */
import type { ServerCallContext, TaskStore } from '@a2a-js/sdk/server';

type Task = Parameters<TaskStore['save']>[0];
type ListReq = Parameters<NonNullable<TaskStore['list']>>[0];
type ListRes = Awaited<ReturnType<NonNullable<TaskStore['list']>>>;

/**
 * A bounded task store, scoped by tenant.
 * @example
 * ```ts
 * new DefaultRequestHandler(card, new BoundedTaskStore(10_000), executor);
 * ```
 */
export class BoundedTaskStore implements TaskStore {
  private readonly tasks = new Map<string, Task>();

  constructor(private readonly capacity = 10_000) {}

  private key(id: string, ctx: ServerCallContext): string {
    return `${ctx.tenant ?? ''}\u0000${id}`;
  }

  async save(task: Task, ctx: ServerCallContext): Promise<void> {
    const k = this.key(task.id, ctx);
    this.tasks.delete(k);
    this.tasks.set(k, structuredClone(task));
    if (this.tasks.size > this.capacity) this.tasks.delete(this.tasks.keys().next().value!);
  }

  async load(id: string, ctx: ServerCallContext): Promise<Task | undefined> {
    const t = this.tasks.get(this.key(id, ctx));
    return t ? structuredClone(t) : undefined;
  }

  async list(req: ListReq, ctx: ServerCallContext): Promise<ListRes> {
    const prefix = `${ctx.tenant ?? ''}\u0000`;
    const out: Task[] = [];
    for (const [k, t] of this.tasks) if (k.startsWith(prefix) && (!req.contextId || t.contextId === req.contextId)) out.push(structuredClone(t));
    const size = req.pageSize && req.pageSize > 0 ? req.pageSize : 50;
    return { tasks: out.slice(-size).reverse(), nextPageToken: '', pageSize: size, totalSize: out.length };
  }
}
