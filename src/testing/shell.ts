// Reads a bash command line far enough to find the runner in it and where extra arguments can safely go.

export interface Word {
  /** The word after quote removal (variables are not expanded). */
  value: string;
  /** Offsets of the word in the command text, quotes included. */
  start: number;
  end: number;
}

export interface Segment {
  /** Leading `NAME=value` assignments. */
  assignments: Word[];
  /** The command words, redirections and their targets left out. */
  words: Word[];
  /** The operator that ends the segment: `&&`, `||`, `;`, `|`, `&`, a newline, or '' at the end. */
  op: string;
  /** The operator that started it ('' for the first). */
  after: string;
  /** Subshells, substitutions or here-documents: the words may not be what bash will run. */
  complex: boolean;
  /** Offset just past the segment's last word or redirection, where arguments can be appended. */
  end: number;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Splits a command line into its simple commands, in order. */
export function parseCommand(src: string): Segment[] {
  const segments: Segment[] = [];
  let words: Word[] = [];
  let complex = false;
  let after = '';
  let end = 0;
  let value: string | undefined;
  let start = 0;
  let skipNext = false;
  let i = 0;

  const endWord = (at: number): void => {
    if (value === undefined) return;
    if (skipNext) skipNext = false;
    else words.push({ value, start, end: at });
    end = at;
    value = undefined;
  };
  const begin = (at: number): void => {
    if (value === undefined) {
      value = '';
      start = at;
    }
  };
  const endSegment = (op: string): void => {
    let first = 0;
    while (first < words.length && ASSIGNMENT.test(words[first]!.value)) first++;
    if (words.length > 0 || op === '') {
      segments.push({ assignments: words.slice(0, first), words: words.slice(first), op, after, complex, end });
    }
    words = [];
    complex = false;
    after = op;
  };

  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t') {
      endWord(i);
      i++;
    } else if (c === '\n') {
      endWord(i);
      endSegment('\n');
      i++;
    } else if (c === '#' && value === undefined) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === "'") {
      begin(i);
      const close = src.indexOf("'", i + 1);
      const stop = close === -1 ? src.length : close;
      value = (value ?? '') + src.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      begin(i);
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && i + 1 < src.length && '"\\$`\n'.includes(src[i + 1]!)) {
          if (src[i + 1] !== '\n') value = (value ?? '') + src[i + 1];
          i += 2;
          continue;
        }
        if (src[i] === '`' || (src[i] === '$' && src[i + 1] === '(')) complex = true;
        value = (value ?? '') + src[i];
        i++;
      }
      i++;
    } else if (c === '\\') {
      if (src[i + 1] === '\n') {
        i += 2;
        continue;
      }
      begin(i);
      value = (value ?? '') + (src[i + 1] ?? '');
      i += 2;
    } else if (c === '&' || c === '|' || c === ';') {
      if (c === '&' && src[i + 1] === '>') {
        // `&>file` and `&>>file`: a redirection, not an operator.
        endWord(i);
        i += src[i + 2] === '>' ? 3 : 2;
        end = i;
        skipNext = true;
        continue;
      }
      endWord(i);
      const two = src.slice(i, i + 2);
      const op = two === '&&' || two === '||' || two === ';;' || two === '|&' ? two : c;
      endSegment(op);
      i += op.length;
    } else if (c === '<' || c === '>') {
      // A file descriptor number right before the operator belongs to the redirection.
      if (value !== undefined && /^\d+$/.test(value) && start + value.length === i) value = undefined;
      else endWord(i);
      let j = i;
      while (j < src.length && (src[j] === '<' || src[j] === '>')) j++;
      const op = src.slice(i, j);
      if (op.startsWith('<<') || src[j] === '(') complex = true;
      if (src[j] === '&') {
        j++;
        while (j < src.length && /[0-9-]/.test(src[j]!)) j++;
      } else {
        skipNext = true;
      }
      i = j;
      end = j;
    } else if ((c === '(' || c === ')' || c === '{' || c === '}') && value === undefined) {
      complex = true;
      i++;
    } else if (c === '`' || (c === '$' && src[i + 1] === '(')) {
      complex = true;
      begin(i);
      value = (value ?? '') + c;
      i++;
    } else {
      begin(i);
      value = (value ?? '') + c;
      i++;
    }
  }
  endWord(src.length);
  endSegment('');
  return segments.filter((segment) => segment.words.length > 0 || segment.assignments.length > 0);
}

/** Quotes one argument for bash, leaving plain words as they are. */
export function quoteArg(arg: string): string {
  if (/^[A-Za-z0-9_\-=.,/:@%+^]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Inserts arguments at an offset of a command line, quoted. */
export function insertArgs(command: string, at: number, args: string[], sep = ''): string {
  if (args.length === 0) return command;
  return `${command.slice(0, at)} ${sep}${args.map(quoteArg).join(' ')}${command.slice(at)}`;
}
