// The process table read from /proc, and a record of every process a run started that holds even after they detach.
import { readdirSync, readFileSync } from 'node:fs';

export interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** Clock ticks after boot: with the pid, it names one process for good (pids are reused, start times are not). */
  start: number;
  /** Real user id. */
  uid: number;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted from its closing one.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z' || f[0] === 'X') return undefined;
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { pid, ppid: Number(f[1]), pgid: Number(f[2]), sid: Number(f[3]), start: Number(f[19]), uid: uid ? Number(uid[1]) : -1 };
  } catch {
    return undefined;
  }
}

/** Every live process (zombies left out); none where there is no /proc. */
export function listProcs(): Proc[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: Proc[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p) out.push(p);
  }
  return out;
}

/** The processes below `root` in the tree (not `root` itself). */
export function descendants(procs: Proc[], root: number): Proc[] {
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
  const todo = [root];
  while (todo.length) {
    for (const c of children.get(todo.pop()!) ?? []) {
      out.push(c);
      todo.push(c.pid);
    }
  }
  return out;
}

export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already, or not ours to signal.
  }
}

const POLL_MS = 100;

/**
 * Every process that descends from a command this run started, noted by pid and start time while the commands
 * run. A process that detaches (a new session, a double fork, its environment cleared) is still known: it was
 * seen below a command, or it sits in a session or process group that one of the known processes leads.
 * A process born and detached between two looks (100 ms) can slip through; the second user closes that gap.
 */
export class Lineage {
  /** pid → start time, and the root command it came from. */
  private readonly known = new Map<number, { start: number; root: number }>();
  private readonly roots = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  /** A command started: watch it and everything it starts until `ended` is called for it. */
  started(pid: number): void {
    const p = listProcs().find((x) => x.pid === pid);
    if (p) this.known.set(pid, { start: p.start, root: pid });
    this.roots.set(pid, (this.roots.get(pid) ?? 0) + 1);
    this.timer ??= setInterval(() => this.look(), POLL_MS).unref();
    this.look();
  }

  ended(pid: number): void {
    this.look();
    this.roots.delete(pid);
    if (this.roots.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Notes every process that descends from a known one, or joined a session or group a known one leads. */
  look(procs: Proc[] = listProcs()): Proc[] {
    // Entries of processes that are gone stay: a daemon's parent exits at once, and its session still names it.
    // A reused pid is told apart by its start time; a stranger's process can only be mistaken for ours if it
    // reused a pid of this run and joined that pid's session or group, which the callers bound by user id.
    const alive = (p: Proc): boolean => this.known.get(p.pid)?.start === p.start;
    let grew = true;
    while (grew) {
      grew = false;
      for (const p of procs) {
        if (this.known.has(p.pid) && alive(p)) continue;
        const via = [p.ppid, p.sid, p.pgid].map((id) => ({ id, k: this.known.get(id) })).find(({ k }) => k && k.start <= p.start);
        if (via?.k) {
          this.known.set(p.pid, { start: p.start, root: via.k.root });
          grew = true;
        }
      }
    }
    return procs.filter(alive);
  }

  /** The live processes that came from the command `root`. */
  from(root: number): Proc[] {
    return this.look().filter((p) => this.known.get(p.pid)?.root === root);
  }
}
