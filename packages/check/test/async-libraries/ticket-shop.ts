/**
 * A ticket shop that sells seats through a payment provider, at most two purchases at once (p-limit),
 * written as an application would. The race: `buy` checks the seats left, awaits the payment, then
 * writes the count it read minus one: a check-then-act across two awaits. p-limit(2) lets two
 * purchases overlap, so a second buyer can read the last seat before the first one's write lands.
 * The fixed twin takes the seat with one conditional update at the store (as `UPDATE … WHERE seats > 0`
 * would) before charging, and gives it back if the payment fails.
 */
import pLimit from "p-limit";

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The seat store: every call is a 5 ms round trip. */
export class SeatStore {
  private seats: number;

  constructor(seats: number) {
    this.seats = seats;
  }

  /** Reads the seats left. */
  async read(): Promise<number> {
    await delay(5);
    return this.seats;
  }

  /** Overwrites the seats left. */
  async write(seats: number): Promise<void> {
    await delay(5);
    this.seats = seats;
  }

  /** Takes one seat if one is left, in one step at the store. */
  async take(): Promise<boolean> {
    await delay(5);
    if (this.seats === 0) return false;
    this.seats -= 1;
    return true;
  }

  /** Gives a seat back. */
  async giveBack(): Promise<void> {
    await delay(5);
    this.seats += 1;
  }
}

/** The payment provider: a charge takes 20 ms. */
export async function charge(_buyer: string): Promise<void> {
  await delay(20);
}

/** The buggy shop: check, pay, then write what was read minus one. */
export class TicketShop {
  readonly sold: string[] = [];
  private readonly limit = pLimit(2);
  private readonly store: SeatStore;

  constructor(store: SeatStore) {
    this.store = store;
  }

  /** Sells one seat to `buyer`; false when sold out. */
  buy(buyer: string): Promise<boolean> {
    return this.limit(async () => {
      const seats = await this.store.read();
      if (seats === 0) return false;
      await charge(buyer);
      await this.store.write(seats - 1);
      this.sold.push(buyer);
      return true;
    });
  }
}

/** The fixed shop: take the seat at the store first, then pay. */
export class FixedTicketShop {
  readonly sold: string[] = [];
  private readonly limit = pLimit(2);
  private readonly store: SeatStore;

  constructor(store: SeatStore) {
    this.store = store;
  }

  /** Sells one seat to `buyer`; false when sold out. */
  buy(buyer: string): Promise<boolean> {
    return this.limit(async () => {
      if (!(await this.store.take())) return false;
      try {
        await charge(buyer);
      } catch (error) {
        await this.store.giveBack();
        throw error;
      }
      this.sold.push(buyer);
      return true;
    });
  }
}

/**
 * The scenario: one seat left; Ada buys at once, Grace 35 ms later (the first purchase takes 30 ms, so
 * with these latencies exactly as written they never overlap). Throws when more seats were sold than
 * there were.
 */
export async function sellLastSeat(Shop: typeof TicketShop | typeof FixedTicketShop): Promise<string[]> {
  const shop = new Shop(new SeatStore(1));
  await Promise.all([shop.buy("Ada"), delay(35).then(() => shop.buy("Grace"))]);
  if (shop.sold.length > 1) throw new Error(`oversold: 1 seat, sold to ${shop.sold.join(" and ")}`);
  return shop.sold;
}
