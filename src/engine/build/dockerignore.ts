/**
 * .dockerignore patterns (moby's dockerignore.ReadAll and fileutils'
 * PatternMatcher). The client applies .dockerignore to the context it
 * sends; the daemon uses it only to drop the Dockerfile and .dockerignore
 * themselves when they are excluded (the client always sends them).
 */

interface Pattern {
  readonly regex: RegExp;
  readonly exclusion: boolean;
  /** Path components of the pattern (to test parent directories). */
  readonly dirs: number;
}

/** filepath.Clean of a relative or absolute path. */
function clean(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** The pattern as fileutils compiles it: `*` any run but "/", `?` one char but "/", `**` any number of directories. */
function compile(pattern: string): RegExp {
  let re = '^';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++;
        re += i + 1 >= chars.length ? '.*' : '(.*/)?';
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '.' || ch === '$') {
      re += `\\${ch}`;
    } else if (ch === '\\') {
      re += i + 1 < chars.length ? `\\${chars[++i]}` : '\\\\';
    } else {
      re += ch;
    }
  }
  try {
    return new RegExp(`${re}$`);
  } catch {
    return /(?!)/;
  }
}

/** The patterns of a .dockerignore file. */
export function readDockerignore(text: string): Pattern[] {
  const out: Pattern[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let exclusion = false;
    if (line.startsWith('!')) {
      exclusion = true;
      line = line.slice(1).trim();
    }
    if (line === '') continue;
    let pattern = clean(line);
    if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    out.push({ regex: compile(pattern), exclusion, dirs: pattern.split('/').length });
  }
  return out;
}

/** Whether `file` (context-relative) is excluded, the last matching pattern winning (fileutils.Matches). */
export function ignored(file: string, patterns: readonly Pattern[]): boolean {
  const path = clean(file);
  const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
  const parentDirs = parent.split('/');
  let matched = false;
  for (const pattern of patterns) {
    let match = pattern.regex.test(path);
    if (!match && parent !== '.' && pattern.dirs <= parentDirs.length) {
      match = pattern.regex.test(parentDirs.slice(0, pattern.dirs).join('/'));
    }
    if (match) matched = !pattern.exclusion;
  }
  return matched;
}
