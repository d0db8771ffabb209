// A small argument parser that rejects bad command lines the way clap 4 does in `wezterm cli`:
// the error on stderr, a blank line, the usage, "For more information, try '--help'.", exit 2.

export class UsageFailure extends Error {
  constructor(message, usage) {
    super(message);
    this.usage = usage;
  }
}

/** Renders an option the way clap names it in messages: `--pane-id <PANE_ID>` or `--no-paste`. */
export const optionLabel = (opt) => (opt.value ? `--${opt.long} <${opt.value}>` : `--${opt.long}`);

const U64 = /^\d+$/;
const I64 = /^-?\d+$/;

function convert(opt, raw, usage) {
  const label = optionLabel(opt);
  if (opt.type === 'u64' || opt.type === 'i64') {
    const ok = (opt.type === 'u64' ? U64 : I64).test(raw);
    if (!ok) {
      const why = raw === '' ? 'cannot parse integer from empty string' : 'invalid digit found in string';
      throw new UsageFailure(`invalid value '${raw}' for '${label}': ${why}`, usage);
    }
    return Number(raw);
  }
  if (opt.choices && !opt.choices.includes(raw)) {
    throw new UsageFailure(
      `invalid value '${raw}' for '${label}'\n  [possible values: ${opt.choices.join(', ')}]`,
      usage,
    );
  }
  return raw;
}

/** Values of numeric options that allow negatives may start with '-'; everything else may not. */
const looksLikeFlag = (opt, token) => token.startsWith('-') && !(opt.type === 'i64' && I64.test(token));

/**
 * Parses `args` against `spec` ({ usage, options: [{long, value?, type?, choices?, default?,
 * conflicts?, requires?}], positionals: [{name, required?, multiple?}], groups?: [{names, required}] }).
 * Returns { flags: {long: value|true}, positionals: {NAME: value|values[]} }.
 */
export function parseArgs(spec, args) {
  const usage = spec.usage;
  const byLong = new Map(spec.options.map((opt) => [opt.long, opt]));
  const flags = {};
  const rawPositionals = [];
  let onlyPositionals = false;
  const trailing = spec.positionals.some((p) => p.multiple);

  for (let i = 0; i < args.length; i += 1) {
    const token = args[i];
    if (onlyPositionals) {
      rawPositionals.push(token);
      continue;
    }
    if (token === '--') {
      onlyPositionals = true;
      continue;
    }
    if (token === '-h' || token === '--help') throw Object.assign(new Error('help'), { help: true });
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = token.slice(2, eq === -1 ? undefined : eq);
      const opt = byLong.get(name);
      if (!opt) throw new UsageFailure(`unexpected argument '${eq === -1 ? token : token.slice(0, eq)}' found`, usage);
      if (name in flags) throw new UsageFailure(`the argument '${optionLabel(opt)}' cannot be used multiple times`, usage);
      if (!opt.value) {
        if (eq !== -1) throw new UsageFailure(`unexpected value '${token.slice(eq + 1)}' for '${optionLabel(opt)}' found; no more were expected`, usage);
        flags[name] = true;
        continue;
      }
      let raw;
      if (eq !== -1) raw = token.slice(eq + 1);
      else {
        const next = args[i + 1];
        if (next === undefined || looksLikeFlag(opt, next)) {
          throw new UsageFailure(`a value is required for '${optionLabel(opt)}' but none was supplied`, usage);
        }
        raw = next;
        i += 1;
      }
      flags[name] = convert(opt, raw, usage);
      continue;
    }
    if (token.startsWith('-') && token.length > 1) throw new UsageFailure(`unexpected argument '${token}' found`, usage);
    rawPositionals.push(token);
    // clap's trailing_var_arg: after the program name everything belongs to the program.
    if (trailing) onlyPositionals = true;
  }

  checkRelations(spec, flags);
  for (const opt of spec.options) if (!(opt.long in flags) && opt.default !== undefined) flags[opt.long] = opt.default;
  return { flags, positionals: assignPositionals(spec, rawPositionals) };
}

function checkRelations(spec, flags) {
  const usage = spec.usage;
  for (const opt of spec.options) {
    if (!(opt.long in flags)) continue;
    for (const other of opt.conflicts ?? []) {
      if (other in flags) {
        const otherOpt = spec.options.find((o) => o.long === other);
        throw new UsageFailure(`the argument '${optionLabel(opt)}' cannot be used with '${optionLabel(otherOpt)}'`, usage);
      }
    }
    for (const needed of opt.requires ?? []) {
      if (!(needed in flags)) {
        const neededOpt = spec.options.find((o) => o.long === needed);
        throw new UsageFailure(`the following required arguments were not provided:\n  ${optionLabel(neededOpt)}`, usage);
      }
    }
  }
  for (const group of spec.groups ?? []) {
    const present = group.names.filter((n) => n in flags);
    const labels = group.names.map((n) => optionLabel(spec.options.find((o) => o.long === n)));
    if (group.required && present.length === 0) {
      throw new UsageFailure(`the following required arguments were not provided:\n  <${labels.join('|')}>`, usage);
    }
    if (present.length > 1) {
      const [a, b] = present.map((n) => optionLabel(spec.options.find((o) => o.long === n)));
      throw new UsageFailure(`the argument '${a}' cannot be used with '${b}'`, usage);
    }
  }
}

function assignPositionals(spec, raw) {
  const out = {};
  let index = 0;
  for (const pos of spec.positionals) {
    if (pos.multiple) {
      out[pos.name] = raw.slice(index);
      index = raw.length;
    } else if (index < raw.length) {
      out[pos.name] = raw[index];
      index += 1;
    }
    if (pos.required && (out[pos.name] === undefined || out[pos.name].length === 0)) {
      throw new UsageFailure(`the following required arguments were not provided:\n  <${pos.name}>`, spec.usage);
    }
  }
  if (index < raw.length) throw new UsageFailure(`unexpected argument '${raw[index]}' found`, spec.usage);
  return out;
}

/** The text clap prints on stderr for a usage failure. */
export function formatUsageFailure(failure) {
  return `error: ${failure.message}\n\nUsage: ${failure.usage}\n\nFor more information, try '--help'.\n`;
}
