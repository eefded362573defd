/** A tiny argument parser for the stress, compare and fuzz commands: names, flags, integers. */
export interface ParsedArgs {
  names: string[];
  flags: Set<string>;
  numbers: Map<string, number>;
}

export class UsageError extends Error {}

export function parseArgs(args: readonly string[], spec: { flags: string[]; numbers: Record<string, { min: number }> }): ParsedArgs {
  const parsed: ParsedArgs = { names: [], flags: new Set(), numbers: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (spec.flags.includes(arg)) parsed.flags.add(arg);
    else if (Object.hasOwn(spec.numbers, arg)) {
      const text = args[++i] ?? '';
      const value = Number(text);
      const min = spec.numbers[arg]!.min;
      if (text === '' || !Number.isSafeInteger(value) || value < min) {
        throw new UsageError(`${arg} needs an integer >= ${min}, got '${text}'`);
      }
      parsed.numbers.set(arg, value);
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else parsed.names.push(arg);
  }
  return parsed;
}
