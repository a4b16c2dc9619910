/**
 * TEMPORARY (until the packages' browser entries land on main): what the page's bundle gets for
 * `node:fs/promises` and `node:path`, which the packages' main entries import lazily in their
 * file-path helpers (`fromPretrained`, `Tokenizer.fromFile`, `save`, ...). The page never calls
 * those helpers: it passes bytes. Any access reports itself.
 */
const unavailable = new Proxy(
  {},
  {
    get(_target, key) {
      throw new TypeError(`node:fs / node:path are not available in the browser (accessed ${String(key)})`);
    },
  },
);
export default unavailable;
