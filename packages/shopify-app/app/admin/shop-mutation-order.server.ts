// One shop's mutations run one after another, in the order this process asked for them (a later
// write must not overtake an earlier one to the same product).
const queues = new Map<string, Promise<unknown>>();

export function inShopMutationOrder<Result>(shop: string, work: () => Promise<Result>): Promise<Result> {
  const result = (queues.get(shop) ?? Promise.resolve()).then(work, work);
  const settled = result.catch(() => undefined);
  queues.set(shop, settled);
  // Forget a shop once its queue has drained.
  void settled.then(() => {
    if (queues.get(shop) === settled) queues.delete(shop);
  });
  return result;
}
