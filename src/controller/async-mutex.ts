/**
 * One-at-a-time execution of async sections. The controller runs every mutation of libvirt/QEMU and
 * the network plane under one of these, so two API calls and the reconcile timer never interleave.
 * FIFO; a section that throws releases the lock and the error goes to its caller only.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
