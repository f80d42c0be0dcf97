/**
 * Frameworks that replace the prototype of node:http's request and response
 * (Express does `Object.setPrototypeOf(req, app.request)`, whose chain ends
 * at http.IncomingMessage.prototype) would cut our classes out of the chain.
 * Pinning copies every method and accessor of the chain onto the instance
 * first, so the object keeps working whatever its prototype becomes, while
 * the framework's own helpers still come from the new prototype.
 */

const pinnedKeys = new WeakMap<object, ReadonlyArray<readonly [string | symbol, PropertyDescriptor]>>();

/** The descriptors of a prototype chain, most derived first, computed once per class. */
function chainOf(proto: object): ReadonlyArray<readonly [string | symbol, PropertyDescriptor]> {
  let keys = pinnedKeys.get(proto);
  if (keys !== undefined) return keys;
  const seen = new Set<string | symbol>(['constructor']);
  const list: Array<readonly [string | symbol, PropertyDescriptor]> = [];
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const key of Reflect.ownKeys(p)) {
      if (seen.has(key)) continue;
      seen.add(key);
      list.push([key, Object.getOwnPropertyDescriptor(p, key)!]);
    }
  }
  keys = list;
  pinnedKeys.set(proto, keys);
  return keys;
}

/** Makes `obj` independent of its prototype chain (see the module comment). */
export function pinPrototypeChain(obj: object): void {
  for (const [key, descriptor] of chainOf(Object.getPrototypeOf(obj) as object)) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) Object.defineProperty(obj, key, descriptor);
  }
}
