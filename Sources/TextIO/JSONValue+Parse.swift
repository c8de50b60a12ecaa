import Foundation

/// Reading JSON back (RFC 8259), for the files Uptake itself writes (`run.json`, shard
/// manifests): object keys keep their order, a number without a fraction or exponent that
/// fits an `Int` is an `.integer`, any other number a `.number` read by `Double(_:)` (so a
/// number written from Swift's shortest round-trip form reads back to the same `Double`).
///
/// ```swift
/// let value = try JSONValue.parse(Data(#"{"paths": 500, "seed": "7"}"#.utf8))
/// value["paths"]?.integer   // 500
/// ```
extension JSONValue {
    /// Where a document stops being JSON: the byte offset and what was expected.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let offset: Int
        public let expected: String
        public var description: String { "not JSON at byte \(offset + 1): expected \(expected)" }
    }

    public static func parse(_ data: Data) throws(ParseError) -> JSONValue {
        var parser = JSONParser(bytes: Array(data))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.offset == parser.bytes.count else { throw ParseError(offset: parser.offset, expected: "the end") }
        return value
    }

    /// An object's member (the first of that name); nil for another value or a missing key.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var string: String? { if case let .string(s) = self { return s } else { return nil } }
    public var integer: Int? { if case let .integer(i) = self { return i } else { return nil } }
    /// A number or an integer as a `Double`.
    public var double: Double? {
        switch self {
        case let .number(x): return x
        case let .integer(i): return Double(i)
        default: return nil
        }
    }
    public var array: [JSONValue]? { if case let .array(a) = self { return a } else { return nil } }
}

private struct JSONParser {
    let bytes: [UInt8]
    var offset = 0
    static let maximumDepth = 512

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ expected: String) -> JSONValue.ParseError { JSONValue.ParseError(offset: offset, expected: expected) }

    mutating func skipSpace() {
        while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
    }

    mutating func literal(_ word: String, _ value: JSONValue) throws(JSONValue.ParseError) -> JSONValue {
        let utf8 = Array(word.utf8)
        guard offset + utf8.count <= bytes.count, Array(bytes[offset..<offset + utf8.count]) == utf8 else { throw fail(word) }
        offset += utf8.count
        return value
    }

    mutating func value(depth: Int) throws(JSONValue.ParseError) -> JSONValue {
        skipSpace()
        guard depth < Self.maximumDepth else { throw fail("at most \(Self.maximumDepth) levels of nesting") }
        guard offset < bytes.count else { throw fail("a value") }
        switch bytes[offset] {
        case UInt8(ascii: "{"):
            offset += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object(members) }
            while true {
                skipSpace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw fail("a quoted key") }
                let key = try string()
                skipSpace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw fail("':'") }
                offset += 1
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard offset < bytes.count else { throw fail("',' or '}'") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                guard bytes[offset] == UInt8(ascii: "}") else { throw fail("',' or '}'") }
                offset += 1
                return .object(members)
            }
        case UInt8(ascii: "["):
            offset += 1
            var items: [JSONValue] = []
            skipSpace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard offset < bytes.count else { throw fail("',' or ']'") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                guard bytes[offset] == UInt8(ascii: "]") else { throw fail("',' or ']'") }
                offset += 1
                return .array(items)
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    mutating func number() throws(JSONValue.ParseError) -> JSONValue {
        let start = offset
        var integral = true
        while offset < bytes.count {
            let b = bytes[offset]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") {
                offset += 1
            } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                integral = false
                offset += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if integral, let i = Int(text) { return .integer(i) }
        guard !text.isEmpty, let x = Double(text), x.isFinite else { offset = start; throw fail("a value") }
        return .number(x)
    }

    /// A quoted string; `offset` is at the opening quote.
    mutating func string() throws(JSONValue.ParseError) -> String {
        offset += 1
        var out: [UInt8] = []
        while offset < bytes.count {
            let b = bytes[offset]
            offset += 1
            switch b {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { throw fail("an escape") }
                let e = bytes[offset]
                offset += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), offset + 1 < bytes.count,
                       bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                        offset += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail("a Unicode scalar") }
                    out.append(contentsOf: Array(String(unicode).utf8))
                default: throw fail("an escape")
                }
            default:
                guard b >= 0x20 else { throw fail("no control character in a string") }
                out.append(b)
            }
        }
        throw fail("a closing quote")
    }

    mutating func hex4() throws(JSONValue.ParseError) -> UInt32 {
        guard offset + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[offset..<offset + 4], as: UTF8.self), radix: 16) else {
            throw fail("four hexadecimal digits")
        }
        offset += 4
        return v
    }
}
