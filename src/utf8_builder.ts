/**
 * UTF-8 bytes built from many strings, without joining them into one large
 * string first: a weekly snapshot is a few megabytes of short texts, and
 * the joined copy would only be garbage a moment later.
 *
 * @module
 */

/** A growing buffer of UTF-8 bytes. */
export class Utf8Builder {
  readonly #encoder = new TextEncoder();
  #buffer: Uint8Array<ArrayBuffer>;
  #length = 0;

  /** `capacity`: the expected size in bytes; the buffer grows past it if needed. */
  constructor(capacity: number) {
    this.#buffer = new Uint8Array(Math.max(capacity, 64));
  }

  /** Appends the UTF-8 form of `text`. */
  append(text: string): void {
    let rest = text;
    for (;;) {
      const { read, written } = this.#encoder.encodeInto(
        rest,
        this.#buffer.subarray(this.#length),
      );
      this.#length += written;
      if (read === rest.length) return;
      rest = rest.slice(read);
      // At most three bytes per UTF-16 unit.
      this.#grow(rest.length * 3);
    }
  }

  /** The bytes appended so far (a view, valid until the next append). */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.#buffer.subarray(0, this.#length);
  }

  #grow(needed: number): void {
    const next = new Uint8Array(
      Math.max(this.#buffer.length * 2, this.#length + needed),
    );
    next.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = next;
  }
}
