/**
 * Runs synchronous work behind a Promise-returning interface (a store method, a Fastify plugin): a throw becomes a
 * rejection, as it would in an async function, instead of escaping to a caller that only handles rejections.
 */
export function settle<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(work()));
}
