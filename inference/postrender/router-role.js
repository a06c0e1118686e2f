#!/usr/bin/env node
// Helm post-renderer for vllm-stack (helm_release postrender): reads the rendered manifests on stdin, writes them
// to stdout with `patch` removed from the router's Role `<release>-reader`. vllm-stack 0.1.12 grants it for sleep
// mode only, which we do not use; with it, the router (the pod behind the internal load balancer) could patch an
// engine pod's image and run code as the engines' service accounts. The chart has no option for the verbs.
// Fails (so the install fails) when no such Role is found, or when `patch` survives in it in a form this script
// does not rewrite: a chart upgrade must be re-checked, not trusted. No dependencies (it runs from the stack's
// asset directory), hence text rules rather than a YAML parser.
'use strict';

/** A flow-style verbs list: `verbs: ["get", "patch"]`. */
const FLOW_VERBS = /^(\s*verbs:\s*\[)([^\]]*)\]/gm;
/** A block-style list item that is exactly `patch` (quoted or not): `- patch`. */
const BLOCK_PATCH = /^\s*-\s*["']?patch["']?\s*\n/gm;

/** Removes "patch" from the verbs of every Role named `*-reader` in a multi-document YAML stream. */
function dropRouterPatch(manifests) {
  let found = 0;
  const docs = manifests.split(/^---\s*$/m).map((doc) => {
    if (!/^kind:\s*Role\s*$/m.test(doc) || !/^\s+name:\s*"?[\w.-]+-reader"?\s*$/m.test(doc)) return doc;
    found += 1;
    const edited = doc
      .replace(FLOW_VERBS, (_m, head, verbs) => {
        const kept = verbs
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v && v.replace(/["']/g, '') !== 'patch');
        return `${head}${kept.join(', ')}]`;
      })
      .replace(BLOCK_PATCH, '');
    if (/\bpatch\b/.test(edited))
      throw new Error(
        `router-role post-renderer: "patch" is still in Role ${/^\s+name:\s*"?([\w.-]+)/m.exec(doc)[1]} after the rewrite (a verbs form it does not handle); re-check the chart`,
      );
    return edited;
  });
  if (found === 0)
    throw new Error('router-role post-renderer: no Role "<release>-reader" in the rendered chart');
  return docs.join('---\n');
}

if (require.main === module) {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (input += chunk));
  process.stdin.on('end', () => {
    try {
      process.stdout.write(dropRouterPatch(input));
    } catch (err) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
    }
  });
}

module.exports = { dropRouterPatch };
