/**
 * Thrown from an import function to leave the guest's wasm stack at once:
 * the process was killed, exited, or replaced its program (execve).
 */
export class GuestUnwind extends Error {
  constructor(readonly reason: 'killed' | 'exec') {
    super(`guest unwind: ${reason}`);
    this.name = 'GuestUnwind';
  }
}
