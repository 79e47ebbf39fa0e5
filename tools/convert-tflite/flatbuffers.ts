/**
 * Just enough of the FlatBuffers wire format to walk a .tflite file: tables with vtables, scalars,
 * strings, vectors of scalars and vectors of tables. Every read is bounds-checked, because a truncated
 * or foreign file should fail with a message rather than with garbage weights.
 */

export class FlatBufferError extends Error {}

export class Table {
  private readonly view: DataView;
  private readonly vtable: number;
  private readonly vtableSize: number;

  constructor(
    private readonly bytes: Uint8Array,
    readonly pos: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.vtable = pos - this.i32(pos);
    this.vtableSize = this.u16(this.vtable);
  }

  /** The table a buffer's root offset points at; `identifier` is the 4-byte file identifier. */
  static root(bytes: Uint8Array, identifier: string): Table {
    if (bytes.byteLength < 8) throw new FlatBufferError('file too short to be a FlatBuffer');
    const found = String.fromCharCode(...bytes.subarray(4, 8));
    if (found !== identifier) {
      throw new FlatBufferError(`file identifier is "${found}", expected "${identifier}"`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new Table(bytes, view.getUint32(0, true));
  }

  private check(at: number, size: number): number {
    if (at < 0 || at + size > this.bytes.byteLength) {
      throw new FlatBufferError(
        `read of ${size} bytes at ${at} is outside the ${this.bytes.byteLength}-byte file`,
      );
    }
    return at;
  }
  private u16(at: number): number {
    return this.view.getUint16(this.check(at, 2), true);
  }
  private i32(at: number): number {
    return this.view.getInt32(this.check(at, 4), true);
  }
  private u32(at: number): number {
    return this.view.getUint32(this.check(at, 4), true);
  }

  /** Absolute position of field `id`, or undefined when the field holds its default. */
  private field(id: number): number | undefined {
    const entry = 4 + 2 * id;
    if (entry >= this.vtableSize) return undefined;
    const offset = this.u16(this.vtable + entry);
    return offset === 0 ? undefined : this.pos + offset;
  }

  /** Follows the uoffset stored at a field to the object it refers to. */
  private indirect(id: number): number | undefined {
    const at = this.field(id);
    return at === undefined ? undefined : at + this.u32(at);
  }

  int8(id: number, fallback = 0): number {
    const at = this.field(id);
    return at === undefined ? fallback : this.view.getInt8(this.check(at, 1));
  }
  uint8(id: number, fallback = 0): number {
    const at = this.field(id);
    return at === undefined ? fallback : this.view.getUint8(this.check(at, 1));
  }
  int32(id: number, fallback = 0): number {
    const at = this.field(id);
    return at === undefined ? fallback : this.i32(at);
  }
  uint32(id: number, fallback = 0): number {
    const at = this.field(id);
    return at === undefined ? fallback : this.u32(at);
  }
  float32(id: number, fallback = 0): number {
    const at = this.field(id);
    return at === undefined ? fallback : this.view.getFloat32(this.check(at, 4), true);
  }
  bool(id: number, fallback = false): boolean {
    const at = this.field(id);
    return at === undefined ? fallback : this.view.getUint8(this.check(at, 1)) !== 0;
  }

  string(id: number): string | undefined {
    const at = this.indirect(id);
    if (at === undefined) return undefined;
    const length = this.u32(at);
    return Buffer.from(this.bytes.subarray(this.check(at + 4, length), at + 4 + length)).toString('utf8');
  }

  table(id: number): Table | undefined {
    const at = this.indirect(id);
    return at === undefined ? undefined : new Table(this.bytes, at);
  }

  tables(id: number): Table[] {
    const { start, length } = this.vector(id, 4);
    return Array.from({ length }, (_, i) => {
      const slot = start + 4 * i;
      return new Table(this.bytes, slot + this.u32(slot));
    });
  }

  /** A view (not a copy) of a [ubyte] vector; empty when absent. */
  bytesVector(id: number): Uint8Array {
    const { start, length } = this.vector(id, 1);
    return this.bytes.subarray(start, start + length);
  }

  int32s(id: number): number[] {
    const { start, length } = this.vector(id, 4);
    return Array.from({ length }, (_, i) => this.view.getInt32(start + 4 * i, true));
  }
  float32s(id: number): number[] {
    const { start, length } = this.vector(id, 4);
    return Array.from({ length }, (_, i) => this.view.getFloat32(start + 4 * i, true));
  }
  /** int64 vectors (zero points) hold small values; anything beyond 2^53 would be a corrupt file. */
  int64s(id: number): number[] {
    const { start, length } = this.vector(id, 8);
    return Array.from({ length }, (_, i) => {
      const value = this.view.getBigInt64(start + 8 * i, true);
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new FlatBufferError(`int64 ${value} does not fit a JavaScript number`);
      }
      return Number(value);
    });
  }

  private vector(id: number, elementSize: number): { start: number; length: number } {
    const at = this.indirect(id);
    if (at === undefined) return { start: 0, length: 0 };
    const length = this.u32(at);
    this.check(at + 4, length * elementSize);
    return { start: at + 4, length };
  }
}
