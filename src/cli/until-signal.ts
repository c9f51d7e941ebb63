/**
 * The daemons' shutdown: on the first SIGTERM or SIGINT, say so on stdout
 * ("drydock daemon: SIGTERM, <doing>"), run `stop` (close the listeners,
 * shut the engine down) once, and resolve when it has finished.
 */
export function untilSignal(doing: string, stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`drydock daemon: ${signal}, ${doing}\n`);
      void stop().finally(resolve);
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  });
}
