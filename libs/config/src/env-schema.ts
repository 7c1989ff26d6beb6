import { redactUrlPasswords } from './redact';
/**
 * A tiny typed reader for environment variables: each variable declares its parser, default and
 * what is allowed, and `readEnv` reports every bad variable at once.
 */
export interface EnvVar<T> {
  readonly describe: string;
  parse(raw: string | undefined): T;
}

export class EnvValueError extends Error {}

function nonEmpty(raw: string | undefined): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

export function str(options: { default?: string; allowEmpty?: boolean; maxLength?: number } = {}): EnvVar<string> {
  return {
    describe: 'a string',
    parse(raw) {
      const value = options.allowEmpty ? raw : nonEmpty(raw);
      if (value === undefined) {
        if (options.default !== undefined) return options.default;
        throw new EnvValueError('is required');
      }
      if (options.maxLength !== undefined && value.length > options.maxLength) {
        throw new EnvValueError(`must be at most ${options.maxLength} characters`);
      }
      return value;
    },
  };
}

export function int(options: { default: number; min: number; max: number }): EnvVar<number> {
  return {
    describe: `an integer from ${options.min} to ${options.max}`,
    parse(raw) {
      const value = nonEmpty(raw);
      if (value === undefined) return options.default;
      const parsed = Number(value);
      if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < options.min || parsed > options.max) {
        throw new EnvValueError(`must be an integer from ${options.min} to ${options.max}`);
      }
      return parsed;
    },
  };
}

export function oneOf<const T extends string>(values: readonly T[], fallback: T): EnvVar<T> {
  return {
    describe: `one of ${values.join(', ')}`,
    parse(raw) {
      const value = nonEmpty(raw);
      if (value === undefined) return fallback;
      if (!(values as readonly string[]).includes(value))
        throw new EnvValueError(`must be one of ${values.join(', ')}`);
      return value as T;
    },
  };
}

export function bool(fallback: boolean): EnvVar<boolean> {
  return {
    describe: 'true or false',
    parse(raw) {
      const value = nonEmpty(raw)?.toLowerCase();
      if (value === undefined) return fallback;
      if (['true', '1', 'yes'].includes(value)) return true;
      if (['false', '0', 'no'].includes(value)) return false;
      throw new EnvValueError('must be true or false');
    },
  };
}

export function url(options: { default?: string; protocols: string[]; optional?: boolean }): EnvVar<string> {
  return {
    describe: `a URL (${options.protocols.join(', ')})`,
    parse(raw) {
      const value = nonEmpty(raw) ?? options.default;
      if (value === undefined) {
        if (options.optional) return '';
        throw new EnvValueError('is required');
      }
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        throw new EnvValueError(`must be a URL (${options.protocols.join(', ')})`);
      }
      if (!options.protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        throw new EnvValueError(`must use one of the protocols ${options.protocols.join(', ')}`);
      }
      return value;
    },
  };
}

/** A comma-separated list of host:port pairs. */
export function hostPorts(fallback: string): EnvVar<string[]> {
  return {
    describe: 'a comma-separated list of host:port',
    parse(raw) {
      const value = nonEmpty(raw) ?? fallback;
      const entries = value.split(',').map((entry) => entry.trim());
      for (const entry of entries) {
        const match = /^(?<host>[A-Za-z0-9.\-[\]:]+):(?<port>\d{1,5})$/.exec(entry);
        const port = Number(match?.groups?.port);
        if (!match || port < 1 || port > 65535) throw new EnvValueError(`"${entry}" is not host:port`);
      }
      return entries;
    },
  };
}

export type EnvShape = Record<string, EnvVar<unknown>>;
export type EnvValues<S extends EnvShape> = { [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function readEnv<S extends EnvShape>(shape: S, env: NodeJS.ProcessEnv = process.env): EnvValues<S> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(shape)) {
    try {
      values[name] = variable.parse(env[name]);
    } catch (error) {
      if (!(error instanceof EnvValueError)) throw error;
      const shown = env[name] === undefined ? 'unset' : redactUrlPasswords(JSON.stringify(env[name]));
      problems.push(`${name} ${error.message} (got ${shown}; allowed: ${variable.describe})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as EnvValues<S>;
}
