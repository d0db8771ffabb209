import { Chalk, type ChalkInstance } from 'chalk';

/**
 * chalk for human output. chalk already turns colour off when stdout is not a terminal; NO_COLOR
 * (https://no-color.org) is honoured here because chalk's bundled detector does not read it.
 */
export function colors(env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): ChalkInstance {
  const disabled = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || !isTTY;
  return new Chalk({ level: disabled ? 0 : 1 });
}
