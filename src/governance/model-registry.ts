/**
 * The model registry: versions (provider model id, parameters, prompt template version, eval runs,
 * status) and aliases per scope, every change audited as a `model_change` record and kept in the
 * alias history (so "which agents used which version when" can be answered for any time).
 */
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { auditChange, type GovernanceContext } from './context.js';
import type { VersionParams } from './governance-spec.js';
import { VersionParamsSchema } from './governance-spec.js';
import { scopeOf } from './scope.js';
import type { AliasChange, ModelAlias, ModelVersion, VersionStatus } from './types.js';

/** What registering a version takes. */
export interface VersionInput {
  id: string;
  model: string;
  params?: VersionParams;
  promptVersion?: string | null;
  status?: VersionStatus;
  evalRuns?: string[];
  description?: string | null;
}

const VERSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Versions and aliases; see the module comment. */
export class ModelRegistry {
  constructor(private readonly ctx: GovernanceContext) {}

  /** Every version. */
  versions(): Promise<ModelVersion[]> {
    return this.ctx.registry.listVersions();
  }

  /** One version; throws NotFoundError. */
  async version(id: string): Promise<ModelVersion> {
    const v = await this.ctx.registry.getVersion(id);
    if (!v) throw new NotFoundError(`no model version '${id}'; see \`daca models list\``, { param: 'version' });
    return v;
  }

  /** Builds a version record, checking the model against the catalog. */
  private build(input: VersionInput, source: 'spec' | 'api', prior: ModelVersion | undefined, at: number): ModelVersion {
    if (!VERSION_ID.test(input.id)) throw new InvalidRequestError(`version id '${input.id}': letters, digits, ".", "_", ":" or "-"`, { param: 'id' });
    const m = this.ctx.catalog().resolve(input.model);
    if (!m) throw new InvalidRequestError(`version '${input.id}': model '${input.model}' is not a model or alias of the spec`, { param: 'model' });
    const params = VersionParamsSchema.parse(input.params ?? prior?.params ?? {});
    return {
      id: input.id, model: input.model, provider: m.provider, upstream: m.upstream, params,
      promptVersion: input.promptVersion !== undefined ? input.promptVersion : (prior?.promptVersion ?? null),
      status: input.status ?? prior?.status ?? 'draft', evalRuns: input.evalRuns ?? prior?.evalRuns ?? [],
      description: input.description !== undefined ? input.description : (prior?.description ?? null), source, createdAt: prior?.createdAt ?? at, updatedAt: at,
    };
  }

  /** Registers (or updates) a version; audited. */
  async register(input: VersionInput, actor: string, source: 'spec' | 'api' = 'api'): Promise<ModelVersion> {
    const at = this.ctx.clock().now();
    const prior = await this.ctx.registry.getVersion(input.id);
    const v = this.build(input, source, prior, at);
    await this.ctx.registry.putVersion(v);
    await auditChange(this.ctx, {
      scope: null, actor, at,
      summary: `${prior ? 'updated' : 'registered'} model version ${v.id} (${v.model} → ${v.provider}/${v.upstream}, status ${v.status})`,
      detail: { change: prior ? 'version_updated' : 'version_registered', version: v.id, model: v.model, provider: v.provider, upstream: v.upstream, params: { ...v.params }, prompt_version: v.promptVersion, status: v.status, eval_runs: v.evalRuns },
    });
    await this.ctx.reload();
    return v;
  }

  /** Changes a version's status, description or eval runs; audited. */
  async update(id: string, patch: { status?: VersionStatus; description?: string | null; addEvalRuns?: string[]; promptVersion?: string | null }, actor: string): Promise<ModelVersion> {
    const prior = await this.version(id);
    const at = this.ctx.clock().now();
    const v: ModelVersion = {
      ...prior,
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.promptVersion !== undefined ? { promptVersion: patch.promptVersion } : {}),
      evalRuns: [...new Set([...prior.evalRuns, ...(patch.addEvalRuns ?? [])])],
      updatedAt: at,
    };
    await this.ctx.registry.putVersion(v);
    await auditChange(this.ctx, {
      scope: null, actor, at, summary: `updated model version ${id}${patch.status && patch.status !== prior.status ? `: ${prior.status} → ${patch.status}` : ''}`,
      detail: { change: 'version_updated', version: id, status: v.status, previous_status: prior.status, eval_runs: v.evalRuns },
    });
    return v;
  }

  /** Sets a version's status without a separate audit record (part of a rollout step that is audited). */
  async setStatus(id: string, status: VersionStatus): Promise<void> {
    await this.ctx.registry.setStatus(id, status, this.ctx.clock().now());
  }

  /** Aliases (optionally of one scope, given as an agent group). */
  aliases(group?: string): Promise<ModelAlias[]> {
    return this.ctx.registry.listAliases(group === undefined ? undefined : scopeOf(group, this.ctx.spec()));
  }

  /** Points `name` of a scope at a version; audited; the gateway follows at once. */
  async setAlias(group: string, name: string, version: string, actor: string, reason = 'set by an operator', rolloutId: string | null = null): Promise<AliasChange> {
    const scope = scopeOf(group, this.ctx.spec());
    if (!VERSION_ID.test(name)) throw new InvalidRequestError(`alias name '${name}': letters, digits, ".", "_", ":" or "-"`, { param: 'name' });
    const v = await this.version(version);
    if (v.status === 'retired') throw new InvalidRequestError(`version '${version}' is retired; set its status back to candidate or stable first`, { param: 'version' });
    const at = this.ctx.clock().now();
    const previous = await this.ctx.registry.setAlias({ ts: at, scope, name, version, rolloutId, actor, reason });
    await auditChange(this.ctx, {
      scope, actor, at, summary: `${scope} alias '${name}': ${previous ?? '(none)'} → ${version} (${reason})`,
      detail: { change: 'alias_set', alias: name, version, previous, rollout: rolloutId, reason },
    });
    await this.ctx.reload();
    return { id: '', ts: at, scope, name, version, previous, rolloutId, actor, reason };
  }

  /** Removes an alias; audited. */
  async deleteAlias(group: string, name: string, actor: string, reason = 'removed by an operator'): Promise<boolean> {
    const scope = scopeOf(group, this.ctx.spec());
    const at = this.ctx.clock().now();
    const prev = await this.ctx.registry.aliasTarget(scope, name);
    const ok = await this.ctx.registry.deleteAlias(scope, name, at, actor, reason);
    if (ok) {
      await auditChange(this.ctx, { scope, actor, at, summary: `${scope} alias '${name}' removed (was ${prev})`, detail: { change: 'alias_removed', alias: name, previous: prev ?? null, reason } });
      await this.ctx.reload();
    }
    return ok;
  }

  /**
   * Seeds the registry from the spec: versions are upserted (their status kept when already
   * stored), aliases only set where the store has none (run-time promotions survive restarts).
   */
  async seed(): Promise<void> {
    const g = this.ctx.spec().governance;
    for (const [id, v] of Object.entries(g.versions)) {
      const prior = await this.ctx.registry.getVersion(id);
      const at = this.ctx.clock().now();
      const built = this.build({ id, model: v.model, params: v.params, promptVersion: v.prompt_version ?? null, status: prior?.status ?? v.status, description: v.description ?? null }, 'spec', prior, at);
      if (prior && JSON.stringify({ ...prior, updatedAt: 0 }) === JSON.stringify({ ...built, updatedAt: 0 })) continue;
      await this.ctx.registry.putVersion(built);
      if (!prior) await auditChange(this.ctx, { scope: null, actor: 'system:spec', at, summary: `registered model version ${id} from the spec`, detail: { change: 'version_registered', version: id, model: v.model } });
    }
    for (const [group, names] of Object.entries(g.aliases)) {
      const scope = scopeOf(group, this.ctx.spec());
      for (const [name, version] of Object.entries(names)) {
        if ((await this.ctx.registry.aliasTarget(scope, name)) !== undefined) continue;
        if (!(await this.ctx.registry.getVersion(version))) throw new InvalidRequestError(`governance.aliases.${group}.${name}: unknown version '${version}'`);
        const at = this.ctx.clock().now();
        await this.ctx.registry.setAlias({ ts: at, scope, name, version, rolloutId: null, actor: 'system:spec', reason: 'declared in the spec' });
        await auditChange(this.ctx, { scope, actor: 'system:spec', at, summary: `${scope} alias '${name}' → ${version} (declared in the spec)`, detail: { change: 'alias_set', alias: name, version, previous: null } });
      }
    }
  }
}
