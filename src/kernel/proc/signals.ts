import { NSIG, SIG, defaultAction } from '../abi/linux.ts';

export const DISPOSITION = { DEFAULT: 0, IGNORE: 1, CATCH: 2 } as const;
export type Disposition = (typeof DISPOSITION)[keyof typeof DISPOSITION];

export function sigbit(sig: number): bigint {
  return 1n << BigInt(sig - 1);
}

/** Signals that can be neither caught, ignored nor blocked. */
const UNBLOCKABLE = sigbit(SIG.KILL) | sigbit(SIG.STOP);

/** A process's signal dispositions, blocked mask and pending set. */
export class SignalState {
  readonly dispositions = new Uint8Array(NSIG + 33);
  mask = 0n;
  pending = 0n;

  clone(): SignalState {
    const copy = new SignalState();
    copy.dispositions.set(this.dispositions);
    copy.mask = this.mask;
    return copy;
  }

  /** After execve: caught signals go back to default; ignored ones stay ignored. */
  resetForExec(): void {
    for (let sig = 1; sig < this.dispositions.length; sig++) {
      if (this.dispositions[sig] === DISPOSITION.CATCH) this.dispositions[sig] = DISPOSITION.DEFAULT;
    }
  }

  setMask(mask: bigint): void {
    this.mask = mask & ~UNBLOCKABLE & ((1n << 64n) - 1n);
  }

  /** Pending signals that are not blocked and whose handler must run. */
  deliverable(): bigint {
    return this.pending === 0n ? 0n : this.pending & ~this.mask;
  }

  /** Would `sig` be discarded if it arrived now (ignored explicitly or by default)? */
  ignores(sig: number): boolean {
    const d = this.dispositions[sig];
    if (d === DISPOSITION.IGNORE) return true;
    return d === DISPOSITION.DEFAULT && defaultAction(sig) === 'ignore';
  }

  catches(sig: number): boolean {
    return this.dispositions[sig] === DISPOSITION.CATCH;
  }
}
