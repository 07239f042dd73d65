/**
 * Turns SIGINT/SIGTERM into an abort, so every started step's cleanup still runs before the process
 * exits. A second signal only repeats that cleanup is under way: leaving now would leak the instance.
 */
export function trapInterrupts(controller: AbortController, say: (message: string) => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      say(`${signal} received again: still cleaning up, so nothing is left behind`);
      return;
    }
    say(`${signal} received: stopping and cleaning up`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  };
}
