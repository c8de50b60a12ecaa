/// What every fuzz target checks beyond "no crash, no hang": DESIGN.md's error convention.
enum FuzzInvariant {
    /// An error message is one line: no line feed, carriage return or other line break from
    /// the input reaches it unescaped.
    static func oneLine(_ message: String) {
        for scalar in message.unicodeScalars where scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}" {
            fatalError("an error message is not one line: \(message.debugDescription.prefix(300))")
        }
    }
}
