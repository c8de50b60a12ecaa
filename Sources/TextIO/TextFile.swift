import Foundation

/// Input text files: their bytes, and those bytes as UTF-8, with the errors a user can act on
/// (`sales.csv: no such file`, `sales.xlsx: cannot read the file (it looks like a spreadsheet
/// workbook; save it as CSV)`).
public enum TextFile {
    /// The bytes of the file at `path`, named by `path` in errors.
    public static func bytes(atPath path: String) throws(LocatedError) -> [UInt8] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LocatedError(file: path, message: "no such file")
        }
        if isDirectory.boolValue { throw unreadable(path, "it is a directory") }
        guard let data = manager.contents(atPath: path) else {
            throw unreadable(path, manager.isReadableFile(atPath: path) ? "read error" : "permission denied")
        }
        return [UInt8](data)
    }

    /// `bytes` as UTF-8: unchanged when they are UTF-8; else read as ISO 8859-1 (Latin-1), so
    /// that legacy spreadsheet exports still load. A workbook or a binary file is an error.
    public static func utf8(_ bytes: [UInt8], file: String) throws(LocatedError) -> [UInt8] {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw unreadable(file, "it looks like a spreadsheet workbook; save it as CSV")
        }
        if bytes.contains(0) { throw unreadable(file, "it is not a text file") }
        if String(validating: bytes, as: UTF8.self) != nil { return bytes }
        // Latin-1 maps each byte to the code point of the same number.
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 {
                utf8.append(byte)
            } else {
                utf8.append(0xC0 | byte >> 6)
                utf8.append(0x80 | byte & 0x3F)
            }
        }
        return utf8
    }

    private static func unreadable(_ path: String, _ reason: String) -> LocatedError {
        LocatedError(file: path, message: "cannot read the file (\(reason))")
    }
}
