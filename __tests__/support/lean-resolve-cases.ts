/**
 * Calls for __tests__/lean-resolve.test.ts, made in the synth thread: the same input resolved by cdktf's own
 * resolve and by leanResolve (app/lean-resolve.ts). Results cross the thread as JSON text, keys in order.
 */
import * as fs from 'fs';
import {
  App,
  DefaultTokenResolver,
  Fn,
  IResolvable,
  IResolveContext,
  Lazy,
  StringConcat,
  TerraformIterator,
  TerraformStack,
  TerraformVariable,
  Token,
} from 'cdktf';
import * as cdktfPrivateResolve from 'cdktf/lib/tokens/private/resolve';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { buildApp } from '../../app/build-app';
import { cdktfResolve, leanResolve } from '../../app/lean-resolve';
import type { EnvironmentConfig } from '../../config/schema';
import { inTempDir } from './synth';

type Resolve = typeof cdktfResolve;

export interface BothWays {
  name: string;
  cdktf: string;
  lean: string;
}

/** Runs `work` with `resolve` installed as cdktf's resolve. */
function resolvingWith<T>(resolve: Resolve, work: () => T): T {
  const target = cdktfPrivateResolve as { resolve: Resolve };
  const installed = target.resolve;
  target.resolve = resolve;
  try {
    const result = work();
    // Else the comparison would be of one resolver with itself.
    if (target.resolve !== resolve) throw new Error('the resolver under test was replaced during the pass');
    return result;
  } finally {
    target.resolve = installed;
  }
}

const inTempApp = <T>(work: (app: App) => T): T =>
  inTempDir((outdir) => work(new App({ outdir, stackTraces: false })));

/**
 * Every stack of `config` as cdktf writes it (prepareStack, then toTerraform), in one app resolved throughout by
 * cdktf's resolve and in another by leanResolve.
 */
export function stacksBothWays(config: EnvironmentConfig): {
  resolverAfterBuild: string;
  stacks: BothWays[];
} {
  let resolverAfterBuild = '';
  const synthesized = (resolve: Resolve) =>
    inTempApp((app) => {
      buildApp(app, config); // installs leanResolve: the resolver under test is chosen after it
      resolverAfterBuild = cdktfPrivateResolve.resolve === leanResolve ? 'leanResolve' : 'cdktf';
      return resolvingWith(resolve, () => {
        const stacks = app.node.findAll().filter((c) => TerraformStack.isStack(c));
        stacks.forEach((stack) => stack.prepareStack());
        return stacks.map((stack): [string, string] => [stack.node.id, JSON.stringify(stack.toTerraform())]);
      });
    });
  const lean = new Map(synthesized(leanResolve));
  const stacks = synthesized(cdktfResolve).map(([name, cdktf]) => ({
    name,
    cdktf,
    lean: lean.get(name) ?? '',
  }));
  return { resolverAfterBuild, stacks };
}

const resolver = () => new DefaultTokenResolver(new StringConcat());

/** Values that take every branch of resolution: tokens of each kind, in values, keys, strings and lists. */
function values(stack: TerraformStack): Record<string, unknown> {
  const variable = new TerraformVariable(stack, 'region', { type: 'string' });
  const seven = Token.asNumber(Lazy.numberValue({ produce: () => 7 }));
  const mid = Lazy.stringValue({ produce: () => 'mid' });
  return {
    plain: 'text',
    flag: true,
    nothing: null,
    skipped: undefined,
    when: new Date(0),
    nested: ['a', undefined, 2, [undefined, 'b', { deeper: { x: 1, y: undefined } }]],
    number: seven,
    numberInString: `port ${seven}`,
    stringToken: Lazy.stringValue({ produce: () => 'lazy' }),
    concatenated: `pre-${mid}-post`,
    tokenList: Token.asList(Lazy.listValue({ produce: () => ['x', 'y'] })),
    numberList: Token.asNumberList(Lazy.anyValue({ produce: () => [1, 2] })),
    stringMap: Token.asStringMap(Lazy.anyValue({ produce: () => ({ k: 'v' }) })),
    anyToken: Lazy.anyValue({ produce: () => ({ produced: [mid, variable.stringValue] }) }),
    [`key-${mid}`]: 'tokenized key',
    reference: variable.stringValue,
    interpolated: `zone-${variable.stringValue}-a`,
    joined: Fn.join(',', ['p', variable.stringValue]),
    lookup: Fn.lookup(Token.asAnyMap(Lazy.anyValue({ produce: () => ({ k: 'v' }) })), 'k', 'd'),
    escaped: 'a literal ${var.not_a_token} and %{if x}y%{endif}',
    ...resolverCases(stack, variable, seven),
  };
}

/** What token resolvers do to their context: set flags for what they resolve, post-process, iterate. */
function resolverCases(
  stack: TerraformStack,
  variable: TerraformVariable,
  seven: number,
): Record<string, unknown> {
  const flags = Lazy.anyValue({
    produce: (c) => [c.iteratorContext ?? null, c.suppressBraces ?? null, c.ignoreEscapes ?? null],
  });
  const postProcessed: IResolvable = {
    creationStack: [],
    resolve(context: IResolveContext) {
      context.registerPostProcessor({
        postProcess: (x, c) => ({
          ...(x as object),
          seen: [c.suppressBraces ?? null, c.iteratorContext ?? null],
        }),
      });
      return { reference: variable.stringValue, inner: flags };
    },
  };
  const rules = TerraformIterator.fromList(Token.asList(variable.value));
  const firewall = new ComputeFirewall(stack, 'firewall', {
    name: 'x',
    network: 'n',
    allow: rules.dynamic({ protocol: rules.getString('protocol'), ports: [rules.getString('port')] }),
  });
  return {
    // Flags a resolver sets before resolving further reach every token below, however deep.
    iterating: Lazy.anyValue({
      produce: (c) => {
        c.iteratorContext = 'FOR_EXPRESSION';
        return c.resolve({ x: [flags, { y: flags }] });
      },
    }),
    inFunction: Lazy.anyValue({
      produce: (c) => {
        c.suppressBraces = true;
        c.ignoreEscapes = true;
        return c.resolve([[flags], `\${literal} ${variable.stringValue}`]);
      },
    }),
    postProcessed,
    postProcessedInFunction: Fn.jsonencode({ t: postProcessed }),
    formatted: Fn.format(Fn.rawString('a ${x} "q" %s'), [variable.stringValue]),
    encoded: Fn.jsonencode({ a: [variable.stringValue, 'literal ${x}', { n: seven }] }),
    joinedEscapes: Fn.join(',', [`\${literal}-${variable.stringValue}`, `n-${seven}`]),
    dynamicBlock: firewall.toTerraform(),
    forExpression: rules.forExpressionForList('val.protocol'),
    nestedTokenKeys: { outer: { [`key-${variable.stringValue}`]: { [`n-${seven}`]: 1 } } },
  };
}

/** `values` resolved both ways, preparing and not. */
export function valuesBothWays(): BothWays[] {
  return inTempApp((app) => {
    const stack = new TerraformStack(app, 'cases');
    const input = values(stack);
    return [false, true].map((preparing) => {
      const options = () => ({ scope: stack, preparing, resolver: resolver() });
      return {
        name: preparing ? 'preparing' : 'not preparing',
        cdktf: JSON.stringify(cdktfResolve(input, options())),
        lean: JSON.stringify(leanResolve(input, options())),
      };
    });
  });
}

function thrown(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    return (err as Error).message;
  }
  return 'did not throw';
}

/** The message of each error resolution can raise, from both resolvers. */
export function errorsBothWays(): BothWays[] {
  return inTempApp((app) => {
    const stack = new TerraformStack(app, 'cases');
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 210; i++) deep = { level: deep };
    const cases: Record<string, unknown> = {
      function: { attributes: { callback: () => 1 } },
      'circular (too deep)': deep,
      // cdktf's construct check looks for fields constructs 10 no longer has; a construct itself recurses until
      // the depth limit.
      'construct check': { attributes: [{ _children: {}, _metadata: [] }] },
      'construct (too deep)': { attributes: [stack] },
      'key resolving to a number': {
        labels: { [Token.asString(Lazy.anyValue({ produce: () => 42 }))]: 'x' },
      },
      'list token as a string': { attribute: Token.asList(Lazy.listValue({ produce: () => ['x'] }))[0] },
      'string map token value': { attribute: Token.STRING_MAP_TOKEN_VALUE },
      'number map token value': { attribute: [Token.NUMBER_MAP_TOKEN_VALUE] },
      // The key path of an error continues through the tokens it was found under.
      'error under a token': { a: { b: Lazy.anyValue({ produce: () => ({ c: [() => 1] }) }) } },
      'error in a key token': { a: { [Token.asString(Lazy.anyValue({ produce: () => () => 1 }))]: 'x' } },
    };
    return Object.entries(cases).map(([name, input]) => {
      const options = () => ({ scope: stack, preparing: false, resolver: resolver() });
      return {
        name,
        cdktf: thrown(() => cdktfResolve(input, options())),
        lean: thrown(() => leanResolve(input, options())),
      };
    });
  });
}

/** The cdktf installed (its package.json version). */
export function cdktfVersion(): string {
  return (JSON.parse(fs.readFileSync(require.resolve('cdktf/package.json'), 'utf8')) as { version: string })
    .version;
}
