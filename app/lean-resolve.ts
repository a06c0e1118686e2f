/**
 * cdktf's token resolution, without a context object, two closures and an options copy for every value.
 *
 * cdktf resolves each element of each stack twice (prepareStack, then toTerraform), and for every map key it
 * builds two contexts and two option objects, one to resolve the key and one for the value: ~48,000 calls and a
 * quarter of a dev synth. Only tokens and their resolvers read a context, so this resolver builds one only where
 * a token, a tokenized list or map, or a tokenized number is found; plain strings, numbers, arrays and objects
 * recurse with the caller's options and their own key path. Everything else is cdktf's behaviour, in cdktf's order
 * and with cdktf's errors: the same checks, the same resolver calls, the same key paths in messages. A context
 * still copies the escape and brace flags of the context its caller was given, which a resolver may have changed
 * before resolving further (tfExpression does).
 *
 * cdktf is archived at 0.21.0 (pinned exactly in package.json); `useLeanResolve` installs this resolver only into
 * that version and leaves any other with its own. `__tests__/lean-resolve.test.ts` compares both on every element
 * of a real app, on every kind of token and on each kind of error.
 */
import type { IPostProcessor, IResolvable, IResolveContext } from 'cdktf';
import * as errors from 'cdktf/lib/errors';
import {
  containsMapToken,
  containsNumberListTokenElement,
  containsStringListTokenElement,
  TokenString,
  unresolved,
} from 'cdktf/lib/tokens/private/encoding';
import * as cdktfPrivateResolve from 'cdktf/lib/tokens/private/resolve';
import type { IResolveOptions } from 'cdktf/lib/tokens/private/resolve';
import { TokenMap } from 'cdktf/lib/tokens/private/token-map';
import { StringConcat } from 'cdktf/lib/tokens/resolvable';
import { Token } from 'cdktf/lib/tokens/token';

/** The version this resolver reproduces. */
const CDKTF_VERSION = '0.21.0';

type Resolve = (obj: unknown, options: IResolveOptions) => unknown;

/** cdktf's own resolve, as loaded (kept for the comparison tests). */
export const cdktfResolve: Resolve = cdktfPrivateResolve.resolve;

const MAX_DEPTH = 200;
const tokenMap = TokenMap.instance();
const lookupToken = tokenMap.lookupToken.bind(tokenMap);
const lookupNumberToken = (id: string) => tokenMap.lookupNumberToken(parseFloat(id));

const pathName = (path: string[]) => `/${path.join('/')}`;

/** A context for a token found at `path`, as cdktf makes it: its resolve continues below `path`. */
function contextAt(options: IResolveOptions, path: string[]): [IResolveContext, IPostProcessor] {
  const previous = options.previousContext;
  let postProcessor: IPostProcessor | undefined;
  const context: IResolveContext = {
    preparing: options.preparing,
    scope: options.scope,
    suppressBraces: previous?.suppressBraces,
    ignoreEscapes: previous?.ignoreEscapes,
    warnEscapes: previous?.warnEscapes,
    iteratorContext: previous?.iteratorContext,
    registerPostProcessor(pp) {
      postProcessor = pp;
    },
    resolve(x) {
      return leanResolve(x, { ...options, prefix: path, previousContext: context });
    },
  };
  return [context, { postProcess: (x) => (postProcessor ? postProcessor.postProcess(x, context) : x) }];
}

function resolveString(text: string, options: IResolveOptions, path: string[]): string {
  if (TokenString.forListToken(text).test()) throw errors.encodedListTokenInScalarStringContext();
  if (text === Token.STRING_MAP_TOKEN_VALUE || text === Token.ANY_MAP_TOKEN_VALUE) {
    throw errors.encodedMapTokenInScalarStringContext();
  }
  let resolved = text;
  const previous = options.previousContext;
  const tokens = TokenString.forString(resolved, !previous?.ignoreEscapes, previous?.warnEscapes);
  if (tokens.test()) {
    resolved = options.resolver.resolveString(tokens.split(lookupToken), contextAt(options, path)[0]);
  }
  const numberTokens = TokenString.forNumbers(resolved);
  if (numberTokens.test()) {
    const fragments = numberTokens.split(lookupNumberToken);
    resolved = fragments.mapTokens(contextAt(options, path)[0]).join(new StringConcat());
  }
  return resolved;
}

function resolveAt(obj: unknown, options: IResolveOptions, path: string[]): unknown {
  if (path.length > MAX_DEPTH) throw errors.unableToResolveCircularReference(pathName(path));
  if (obj === undefined || obj === null) return obj;
  if (typeof obj === 'function') throw errors.cannotResolveFunction(pathName(path), obj);
  if (typeof obj === 'string') return resolveString(obj, options, path);
  if (typeof obj === 'number') {
    if (obj === Token.NUMBER_MAP_TOKEN_VALUE) throw errors.encodedMapTokenInScalarNumberContext();
    const token = tokenMap.lookupNumberToken(obj);
    return token === undefined ? obj : contextAt(options, path)[0].resolve(token);
  }
  if (typeof obj !== 'object' || obj instanceof Date) return obj;
  if (Array.isArray(obj)) {
    if (containsStringListTokenElement(obj)) {
      return options.resolver.resolveList(obj, contextAt(options, path)[0]);
    }
    if (containsNumberListTokenElement(obj)) {
      return options.resolver.resolveNumberList(obj, contextAt(options, path)[0]);
    }
    const items: unknown[] = [];
    obj.forEach((item, i) => {
      const resolved = resolveAt(item, options, [...path, `${i}`]);
      if (resolved !== undefined) items.push(resolved);
    });
    return items;
  }
  const map = obj as Record<string, unknown>;
  if (containsMapToken(map)) return options.resolver.resolveMap(map, contextAt(options, path)[0]);
  if (unresolved(map)) {
    const [context, postProcessor] = contextAt(options, path);
    return options.resolver.resolveToken(map as unknown as IResolvable, context, postProcessor);
  }
  // cdktf's guard against a construct here (it looks for fields constructs 10 no longer has).
  if (map._children !== undefined && map._metadata !== undefined) {
    throw errors.constructsCannotBeResolved(pathName(path));
  }
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(map)) {
    const resolvedKey = resolveAt(key, options, path);
    if (typeof resolvedKey !== 'string')
      throw errors.mapKeyMustResolveToString(pathName(path), key, resolvedKey);
    const value = resolveAt(map[key], options, [...path, key]);
    if (value !== undefined) result[resolvedKey] = value;
  }
  return result;
}

/** cdktf's `resolve` (lib/tokens/private/resolve.ts), same signature and result. */
export function leanResolve(obj: unknown, options: IResolveOptions): unknown {
  return resolveAt(obj, options, options.prefix ?? []);
}

/** Makes cdktf resolve tokens with leanResolve, if the installed cdktf is the version it reproduces. */
export function useLeanResolve(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('cdktf/package.json') as { version: string };
  if (version === CDKTF_VERSION) (cdktfPrivateResolve as { resolve: Resolve }).resolve = leanResolve;
}
