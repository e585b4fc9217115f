// @ts-check
/**
 * StrykerJS ignorer: statements that only write a log line (`log.info(...)`, `this.deps.log.warn(...)`,
 * `o.log?.warn(...)`) are not mutated. Their text is for people, not money behaviour; what must never
 * appear in a log (card numbers, MRZ) is checked by the integration tests, which grep every line.
 * The ignored mutants stay in the report with status Ignored and this reason.
 */
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/** @param {any} node */
function isLogger(node) {
  if (node.type === 'Identifier') return node.name === 'log';
  if (node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') return node.property.type === 'Identifier' && node.property.name === 'log';
  return false;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'logging', {
    /** @param {any} path */
    shouldIgnore(path) {
      if (!path.isExpressionStatement()) return undefined;
      const call = path.node.expression;
      if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') return undefined;
      const callee = call.callee;
      if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return undefined;
      if (callee.property.type !== 'Identifier' || !LEVELS.has(callee.property.name) || !isLogger(callee.object)) return undefined;
      return 'a log line: text for people, not money behaviour (PII in logs is checked by the integration tests)';
    },
  }),
];
