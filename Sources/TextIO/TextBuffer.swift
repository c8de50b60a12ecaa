/// UTF-8 text built as bytes, the way every output file is written: text, integers and
/// numbers are appended to one growing `[UInt8]` without a `String` per piece, and the bytes
/// go to disk as they are (``AtomicFile``).
///
/// ```swift
/// var text = TextBuffer()
/// text.append("horizon,value\n")
/// text.append(integer: 3); text.append(","); text.append(number: 0.1 + 0.2); text.append("\n")
/// // text.text == "horizon,value\n3,0.3\n"
/// ```
///
/// A buffer can be reused: ``removeAll()`` keeps its capacity, so a writer that produces
/// several files grows it once.
public struct TextBuffer: Sendable {
    /// The text so far, UTF-8.
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer and keeps its storage for the next document.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    public var count: Int { bytes.count }
    public var isEmpty: Bool { bytes.isEmpty }

    /// The bytes as a `String` (for stdout and tests; files take the bytes).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always)
    public mutating func append(byte: UInt8) { bytes.append(byte) }

    public mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    public mutating func append(contentsOf other: TextBuffer) { bytes.append(contentsOf: other.bytes) }

    public mutating func append(bytes other: [UInt8]) { bytes.append(contentsOf: other) }

    /// An integer in decimal, `-` for negatives (as `String(n)` writes it).
    public mutating func append(integer n: Int) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        append(digitsOf: UInt64(n.magnitude))
    }

    /// The decimal digits of n, left-padded with zeros to at least `width` digits.
    public mutating func append(digitsOf n: UInt64, width: Int = 1) {
        let (count, power) = Self.digitCount(n)
        bytes.append(addingCapacity: max(count, width)) { out in
            for _ in count ..< max(count, width) { out.append(UInt8(ascii: "0")) }
            Self.write(digitsOf: n, leadingPower: power, into: &out)
        }
    }

    /// The number of decimal digits of n and 10^(that − 1).
    @inline(__always)
    static func digitCount(_ n: UInt64) -> (count: Int, leadingPower: UInt64) {
        var count = 1, power: UInt64 = 1
        while n / power >= 10 { power *= 10; count += 1 }
        return (count, power)
    }

    /// n's digits, most significant first, from its leading power of ten (``digitCount(_:)``):
    /// written into reserved space, with no check of the array per byte.
    @inline(__always)
    static func write(digitsOf n: UInt64, leadingPower: UInt64, into out: inout OutputSpan<UInt8>) {
        var rest = n, power = leadingPower
        while power > 0 {
            let digit = rest / power
            out.append(UInt8(truncatingIfNeeded: digit) &+ UInt8(ascii: "0"))
            rest -= digit * power
            power /= 10
        }
    }

    /// Up to `maximumCount` bytes written by `body` into reserved space (see
    /// ``write(digitsOf:leadingPower:into:)``).
    @inline(__always)
    mutating func append(atMost maximumCount: Int, _ body: (inout OutputSpan<UInt8>) -> Void) {
        bytes.append(addingCapacity: maximumCount, initializingWith: body)
    }

    /// The contents, leaving this buffer empty: the storage moves instead of being shared,
    /// so whoever takes it can append without a copy.
    public mutating func take() -> TextBuffer {
        var taken = TextBuffer()
        swap(&self, &taken)
        return taken
    }
}
