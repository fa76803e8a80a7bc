import type { StrayGuest, StrayGuestFinder } from '../../../ports/stray-guests.js';

/**
 * StrayGuestFinder over a list the test fills: the QEMUs a crashed run would have left. `end` removes
 * the guest and remembers its pid, as the /proc finder would leave it gone.
 */
export class FakeStrayGuestFinder implements StrayGuestFinder {
  readonly ended: number[] = [];
  private readonly strays = new Map<string, StrayGuest[]>();

  add(cloudId: string, guest: StrayGuest): void {
    this.strays.set(cloudId, [...(this.strays.get(cloudId) ?? []), guest]);
  }

  find(cloudId: string): Promise<StrayGuest[]> {
    return Promise.resolve([...(this.strays.get(cloudId) ?? [])]);
  }

  end(guest: StrayGuest): Promise<void> {
    for (const [cloud, list] of this.strays) this.strays.set(cloud, list.filter((g) => g.pid !== guest.pid));
    this.ended.push(guest.pid);
    return Promise.resolve();
  }
}
