import { didYouMean } from '../../blueprint/config/problems';

/**
 * A small command-line parser: commands of one or two words, positionals, `--name value`,
 * `--name=value`, boolean flags, repeatable options, `--` to end the options. Every mistake is a
 * UsageError that says what to write instead (with a "did you mean" for typos).
 */

/** A mistake on the command line (exit code 1). */
export class UsageError extends Error {
  /** The command the mistake was made in, for the help hint. */
  public readonly command?: string;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** An option. */
export interface OptionSpec {
  /** The long name, without `--`. */
  readonly name: string;
  /** A one-letter alias, without `-`. */
  readonly alias?: string;
  /** `string` options take a value, `boolean` ones do not. */
  readonly kind: 'string' | 'boolean';
  /** What to show as the value in the help (e.g. `FILE`). */
  readonly valueName?: string;
  /** Whether the command needs it. */
  readonly required?: boolean;
  /** Allowed values, if restricted. */
  readonly choices?: readonly string[];
  /** A `string` option that may be given more than once; its values are in `ParsedArgs.repeated`. */
  readonly repeatable?: boolean;
  /** One line of help. */
  readonly description: string;
}

/** A positional argument. */
export interface PositionalSpec {
  /** Its name in the help. */
  readonly name: string;
  /** One line of help. */
  readonly description: string;
}

/** A command. */
export interface CommandSpec {
  /** The words of the command, e.g. `['registry', 'latest']`. */
  readonly words: readonly string[];
  /** One line of help. */
  readonly summary: string;
  /** Its positionals, all required. */
  readonly positionals: readonly PositionalSpec[];
  /** Its options (the global ones come on top). */
  readonly options: readonly OptionSpec[];
  /** Examples for the help. */
  readonly examples?: readonly string[];
}

/** The result of parsing. */
export interface ParsedArgs {
  /** The command, or undefined for a bare `--help` / `--version`. */
  readonly command?: CommandSpec;
  /** The positional values, in order. */
  readonly positionals: readonly string[];
  /** Option values by long name (`true` for flags); repeatable options are in `repeated`. */
  readonly options: Readonly<Record<string, string | boolean>>;
  /** The values of repeatable options by long name, in the order given (absent when not given). */
  readonly repeated: Readonly<Record<string, readonly string[]>>;
}

/** `mlops-blueprint registry latest` for a command. */
export function commandName(spec: CommandSpec): string {
  return spec.words.join(' ');
}

/**
 * Parses `argv` (without the node and script paths) against the commands and the global options.
 * `--help`/`--version` are global boolean options: with them, missing required options and positionals
 * are not errors (the caller prints the help instead).
 */
export function parseArgs(argv: readonly string[], commands: readonly CommandSpec[], globalOptions: readonly OptionSpec[]): ParsedArgs {
  const options: Record<string, string | boolean> = {};
  const repeated: Record<string, string[]> = {};
  const words: string[] = [];
  let command: CommandSpec | undefined;
  const positionals: string[] = [];
  let onlyPositionals = false;

  const findOption = (token: string): OptionSpec | undefined => {
    const all = [...globalOptions, ...(command?.options ?? [])];
    if (token.startsWith('--')) return all.find((o) => o.name === token.slice(2));
    return all.find((o) => o.alias !== undefined && o.alias === token.slice(1));
  };
  const where = () => (command ? commandName(command) : undefined);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!onlyPositionals && arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (!onlyPositionals && arg.startsWith('-') && arg !== '-') {
      const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
      const token = eq >= 0 ? arg.slice(0, eq) : arg;
      const spec = findOption(token);
      if (!spec) {
        const known = [...globalOptions, ...(command?.options ?? [])].map((o) => `--${o.name}`);
        const hint = didYouMean(token, known);
        const scope = command ? `for "${commandName(command)}"` : 'here';
        throw new UsageError(`unknown option ${token} ${scope}${hint}`, where());
      }
      if (spec.name in options && !spec.repeatable) throw new UsageError(`--${spec.name} is given more than once`, where());
      if (spec.kind === 'boolean') {
        if (eq >= 0) throw new UsageError(`--${spec.name} is a flag and takes no value`, where());
        options[spec.name] = true;
        continue;
      }
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length && !(argv[i + 1].startsWith('--') && argv[i + 1].length > 2)) value = argv[++i];
      if (value === undefined || value === '') {
        throw new UsageError(`--${spec.name} needs a value${spec.valueName ? ` (${spec.valueName})` : ''}`, where());
      }
      if (spec.choices && !spec.choices.includes(value)) {
        throw new UsageError(`--${spec.name} must be one of ${spec.choices.join(', ')}, not "${value}"${didYouMean(value, spec.choices)}`, where());
      }
      if (spec.repeatable) (repeated[spec.name] ??= []).push(value);
      else options[spec.name] = value;
      continue;
    }
    if (!command) {
      words.push(arg);
      const exact = commands.find((c) => c.words.length === words.length && c.words.every((w, j) => w === words[j]));
      if (exact) {
        command = exact;
        continue;
      }
      const prefix = commands.filter((c) => c.words.length > words.length && words.every((w, j) => c.words[j] === w));
      if (prefix.length > 0) continue;
      const candidates = [...new Set(commands.filter((c) => c.words.length >= words.length).map((c) => c.words.slice(0, words.length).join(' ')))];
      throw new UsageError(`unknown command "${words.join(' ')}"${didYouMean(words.join(' '), candidates)}`);
    }
    positionals.push(arg);
  }

  const helpOrVersion = options.help === true || options.version === true;
  if (!command) {
    if (words.length > 0 && !helpOrVersion) {
      const subs = commands.filter((c) => words.every((w, j) => c.words[j] === w)).map(commandName);
      throw new UsageError(`"${words.join(' ')}" needs a subcommand: ${subs.join(', ')}`, words.join(' '));
    }
    return { command: undefined, positionals, options, repeated };
  }
  if (!helpOrVersion) {
    if (positionals.length < command.positionals.length) {
      const missing = command.positionals.slice(positionals.length).map((p) => `<${p.name}>`);
      throw new UsageError(`"${commandName(command)}" needs ${missing.join(' ')}`, commandName(command));
    }
    if (positionals.length > command.positionals.length) {
      throw new UsageError(`unexpected argument "${positionals[command.positionals.length]}" for "${commandName(command)}"`, commandName(command));
    }
    for (const o of command.options) {
      if (o.required && !(o.name in options) && !(o.name in repeated)) {
        throw new UsageError(`"${commandName(command)}" needs --${o.name}${o.valueName ? ` ${o.valueName}` : ''}`, commandName(command));
      }
    }
  }
  return { command, positionals, options, repeated };
}

/** The usage line of a command. */
export function usageLine(spec: CommandSpec): string {
  const parts = [commandName(spec), ...spec.positionals.map((p) => `<${p.name}>`)];
  for (const o of spec.options) {
    const v = o.kind === 'string' ? ` ${o.valueName ?? 'VALUE'}` : '';
    const more = o.repeatable ? ' ...' : '';
    parts.push(o.required ? `--${o.name}${v}${more}` : `[--${o.name}${v}${more}]`);
  }
  return parts.join(' ');
}

/** The help text of one command. */
export function commandHelp(program: string, spec: CommandSpec, globalOptions: readonly OptionSpec[]): string {
  const lines = [`Usage: ${program} ${usageLine(spec)}`, '', spec.summary];
  if (spec.positionals.length > 0) {
    lines.push('', 'Arguments:');
    for (const p of spec.positionals) lines.push(`  ${`<${p.name}>`.padEnd(26)} ${p.description}`);
  }
  lines.push('', 'Options:');
  for (const o of [...spec.options, ...globalOptions]) lines.push(optionLine(o));
  if (spec.examples && spec.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const e of spec.examples) lines.push(`  ${e}`);
  }
  return lines.join('\n');
}

/** One option of a help text. */
export function optionLine(o: OptionSpec): string {
  const names = `${o.alias ? `-${o.alias}, ` : ''}--${o.name}${o.kind === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
  return `  ${names.padEnd(26)} ${o.description}${o.required ? ' (required)' : ''}${o.repeatable ? ' (repeatable)' : ''}`;
}

