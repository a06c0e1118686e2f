import {
  Annotations,
  Aspects,
  DefaultTokenResolver,
  IAspect,
  StringConcat,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from 'cdktf';
import { IConstruct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { Attributes, CheckResult, PolicyConfig, PolicyResource, Rule, RuleContext } from './rule';
import { Finding, PolicyError, PolicyReport } from './findings';
import { RULES } from './rules';
import { hasReason, MIN_REASON_LENGTH, ownSuppressions, suppressionFor } from './suppressions';

/** Id under which bad suppressions (no reason, unknown rule) are reported. */
export const SUPPRESSION_RULE_ID = 'AFPI-SUPPRESSION';

/**
 * Runs the app's policy pack over every stack before synthesis (cdktf's own aspect pass stops at the first
 * stack with an error). Throws PolicyError listing every violation; returns the report when there is none.
 */
export function checkPolicy(app: IConstruct): PolicyReport {
  const report = PolicyPack.of(app).check(app);
  if (report.violations.length > 0) throw new PolicyError(report);
  return report;
}

/**
 * Checks what `app.synth()` wrote to `outdir` (the synth path of `npm run synth`): the resources are read back
 * from the output instead of being resolved a second time. The pack's aspect pass must have been skipped with
 * `PolicyPack.of(app).checkOutputOnly()` before `app.synth()`. Throws PolicyError like checkPolicy.
 */
export function checkSynthesizedPolicy(app: IConstruct, outdir: string): PolicyReport {
  const report = PolicyPack.of(app).checkSynthesized(app, outdir);
  if (report.violations.length > 0) throw new PolicyError(report);
  return report;
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

function stackOf(construct: IConstruct): string {
  return construct.node.scopes.find((s) => TerraformStack.isStack(s))?.node.id ?? '';
}

function message(rule: Rule, result: CheckResult): string {
  const details = typeof result === 'boolean' || result.length === 0 ? '' : `: ${result.join('; ')}`;
  return `${rule.id}: ${rule.statement}${details}. Fix: ${rule.fix}`;
}

function passes(result: CheckResult): boolean {
  return typeof result === 'boolean' ? result : result.length === 0;
}

/** The synthesized resources of every stack under `root`, with tokens resolved as `cdktf synth` writes them. */
function indexResources(root: IConstruct): Map<IConstruct, PolicyResource> {
  const index = new Map<IConstruct, PolicyResource>();
  for (const stack of root.node.findAll().filter((c) => TerraformStack.isStack(c))) {
    for (const node of stack.node.findAll().filter((c) => TerraformResource.isTerraformResource(c))) {
      const resource = node as TerraformResource;
      // Not a "preparing" resolve: cross-stack references keep their origin identifier and no outputs or
      // remote state are created; escape-hatch overrides are already merged by toTerraform().
      const synthesized = Tokenization.resolve(resource.toTerraform(), {
        scope: stack,
        preparing: false,
        resolver: RESOLVER,
      });
      const attributes = synthesized.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId];
      if (!attributes) continue; // moved resources synthesize a `moved` block only
      delete attributes['//'];
      index.set(node, {
        type: resource.terraformResourceType,
        name: resource.friendlyUniqueId,
        path: node.node.path,
        stack: stack.node.id,
        attributes: attributes as Attributes,
      });
    }
  }
  return index;
}

interface SynthesizedResource {
  '//': { metadata: { path: string } };
  [attribute: string]: unknown;
}

/** The resources a synth wrote to `outdir`, keyed by their construct (cdktf records each one's path). */
function indexSynthesized(root: IConstruct, outdir: string): Map<IConstruct, PolicyResource> {
  const byPath = new Map(root.node.findAll().map((c) => [c.node.path, c]));
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const index = new Map<IConstruct, PolicyResource>();
  for (const [stack, { synthesizedStackPath }] of Object.entries<{ synthesizedStackPath: string }>(
    manifest.stacks,
  )) {
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, synthesizedStackPath), 'utf8'));
    for (const [type, byName] of Object.entries<Record<string, SynthesizedResource>>(tf.resource ?? {})) {
      for (const [name, { '//': meta, ...attributes }] of Object.entries(byName)) {
        const node = byPath.get(meta.metadata.path);
        if (node) index.set(node, { type, name, path: meta.metadata.path, stack, attributes });
      }
    }
  }
  return index;
}

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.[^}]*)?\}/;

/**
 * The AFPI policy pack: an Aspect that checks every Terraform resource of the app against RULES. A violation
 * becomes an error annotation on the resource (cdktf then refuses to synthesize its stack) and a finding in
 * `report()`; `check(app)` runs the pack over every stack before synthesis so all violations are reported
 * at once, not just those of the first stack cdktf meets.
 */
export class PolicyPack implements IAspect {
  /** The pack added to `root` by `applyTo` (or `Aspects.of(root).add`). */
  static of(root: IConstruct): PolicyPack {
    const pack = Aspects.of(root).all.find((a): a is PolicyPack => a instanceof PolicyPack);
    if (!pack)
      throw new Error(
        `no PolicyPack on ${root.node.path || 'the app'}: add one with PolicyPack.applyTo(app, new PolicyPack(config))`,
      );
    return pack;
  }

  /**
   * Adds `pack` to `app` (where `check` and `PolicyPack.of` find it) and to each of its stacks: cdktf 0.21
   * runs only a stack's own aspects when it synthesizes that stack, not those of the app above it. Call it
   * after the stacks are created.
   */
  static applyTo(app: IConstruct, pack: PolicyPack): PolicyPack {
    Aspects.of(app).add(pack);
    for (const stack of app.node.children.filter((c) => TerraformStack.isStack(c)))
      Aspects.of(stack).add(pack);
    return pack;
  }

  readonly rules: readonly Rule[];
  private readonly ruleIds: Set<string>;
  private readonly visited = new WeakSet<IConstruct>();
  private readonly findings: Finding[] = [];
  private readonly passedByStack: Record<string, number> = {};
  private index?: Map<IConstruct, PolicyResource>;
  /** Set by checkOutputOnly: cdktf's aspect pass then does nothing and checkSynthesized does the work. */
  private outputOnly = false;

  constructor(
    readonly config: PolicyConfig,
    rules: readonly Rule[] = RULES,
  ) {
    this.rules = rules;
    this.ruleIds = new Set(rules.map((r) => r.id));
  }

  /** Checks every construct under `root` (once: cdktf's own aspect pass then finds nothing new). */
  check(root: IConstruct): PolicyReport {
    for (const node of root.node.findAll()) this.inspect(node);
    return this.report();
  }

  /** Skips the aspect pass during `app.synth()`; call checkSynthesized on the output afterwards. */
  checkOutputOnly(): void {
    this.outputOnly = true;
  }

  /** Checks every construct under `root` against the resources `app.synth()` wrote to `outdir`. */
  checkSynthesized(root: IConstruct, outdir: string): PolicyReport {
    this.index = indexSynthesized(root, outdir);
    return this.check(root);
  }

  report(): PolicyReport {
    return {
      checksPassed: Object.values(this.passedByStack).reduce((a, b) => a + b, 0),
      checksPassedByStack: { ...this.passedByStack },
      violations: this.findings.filter((f) => f.suppressedBecause === undefined),
      suppressed: this.findings.filter((f) => f.suppressedBecause !== undefined),
    };
  }

  visit(node: IConstruct): void {
    if (!this.outputOnly) this.inspect(node);
  }

  private inspect(node: IConstruct): void {
    if (this.visited.has(node)) return;
    this.visited.add(node);
    this.checkSuppressions(node);
    if (TerraformResource.isTerraformResource(node)) this.checkResource(node);
  }

  private checkSuppressions(node: IConstruct): void {
    for (const suppression of ownSuppressions(node)) {
      const id = String(suppression.id);
      if (!this.ruleIds.has(id)) {
        this.violation(
          node,
          `${SUPPRESSION_RULE_ID}: suppression names ${id}, which is no rule. Fix: use a rule id from the rules table (npm run policy)`,
        );
      } else if (!hasReason(suppression)) {
        this.violation(
          node,
          `${SUPPRESSION_RULE_ID}: suppression of ${id} has no reason of at least ${MIN_REASON_LENGTH} characters. ` +
            `Fix: write, in a sentence, why ${id} does not apply here: suppress(construct, [{ id: '${id}', reason: '...' }])`,
        );
      }
    }
  }

  private checkResource(node: TerraformResource): void {
    let resource = this.index?.get(node);
    if (!resource) {
      this.index = indexResources(node.node.root);
      resource = this.index.get(node);
      if (!resource) return;
    }
    const all = [...this.index!.values()];
    const context: RuleContext = {
      config: this.config,
      resource,
      resources: all,
      ofType: (...types) => all.filter((r) => types.includes(r.type)),
      referenced: (value, types) => {
        const match = typeof value === 'string' ? REFERENCE.exec(value) : null;
        if (!match || !types.includes(match[1])) return undefined;
        const named = all.filter((r) => r.type === match[1] && r.name === match[2]);
        return named.find((r) => r.stack === resource!.stack) ?? named[0];
      },
    };
    for (const rule of this.rules) {
      if (!rule.resourceTypes.includes(resource.type)) continue;
      if (rule.appliesTo && !rule.appliesTo(resource.attributes, context)) continue;
      const result = rule.check(resource.attributes, context);
      if (passes(result)) {
        this.passedByStack[resource.stack] = (this.passedByStack[resource.stack] ?? 0) + 1;
        continue;
      }
      const suppression = suppressionFor(node, rule.id);
      if (suppression) {
        Annotations.of(node).addInfo(`${rule.id} suppressed: ${suppression.reason}`);
        this.findings.push({
          ruleId: rule.id,
          path: resource.path,
          stack: resource.stack,
          message: message(rule, result),
          suppressedBecause: suppression.reason,
        });
      } else {
        this.violation(node, message(rule, result), rule.id);
      }
    }
  }

  private violation(node: IConstruct, text: string, ruleId = SUPPRESSION_RULE_ID): void {
    Annotations.of(node).addError(text);
    this.findings.push({ ruleId, path: node.node.path, stack: stackOf(node), message: text });
  }
}
